/**
 * The signer interface (design.md §10): whatever holds the private key makes the CMS signature over
 * the bytes the PDF's ByteRange covers. A PKCS#12 in the database is one implementation; a remote
 * signing service (the way Vietnamese CAs sign for mobile users) is another, added without touching
 * the engine or the PDF code.
 */
export interface SignerIdentity {
  /** The certificate's subject common name (a person's or an agency's name). */
  commonName: string;
  /** The certificate's issuer common name. */
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** True for certificates of the local demo CA: "không có giá trị pháp lý". */
  demo: boolean;
}

export interface Signer {
  identity: SignerIdentity;
  /** The most bytes `sign` may return (the PDF reserves this room before signing); 16 KB when unset. */
  maxSignatureBytes?: number;
  /** A detached CMS (PKCS#7) signature over `data`, with `signingTime` as its signing-time attribute. */
  sign(data: Buffer, signingTime: Date): Promise<Buffer>;
}

/** Why nobody can sign with a certificate now, in Vietnamese for the person about to sign. */
export interface SignerProblem {
  problem: string;
}

export type SignerOrProblem = Signer | SignerProblem;

export function isProblem(s: SignerOrProblem): s is SignerProblem {
  return 'problem' in s;
}
