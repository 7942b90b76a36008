import crypto from 'node:crypto';
import type Forge from 'node-forge';
import { lazy, lazyModule } from '../lazy';

/**
 * A detached CMS SignedData (RFC 5652) for a PDF signature, CAdES-style: content-type, message-digest,
 * signing-time and signing-certificate-v2 (RFC 5035) signed attributes, the certificate chain, and an
 * RSA PKCS#1 v1.5 / SHA-256 signature made by node's crypto (fast; forge only builds the ASN.1).
 */
// Loaded on the first signature (issue 17: memory).
const forge = lazyModule<typeof Forge>('node-forge', 'default');
const asn1 = lazy(() => forge.asn1);
const T = lazy(() => forge.asn1.Type);
const U = 0 as Forge.asn1.Class; // asn1.Class.UNIVERSAL

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

const oid = (o: string) => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (items: Forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
const set = (items: Forge.asn1.Asn1[]) => asn1.create(U, T.SET, true, items);
const octets = (b: Buffer) => asn1.create(U, T.OCTETSTRING, false, b.toString('binary'));
const int = (n: number) => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const der = (a: Forge.asn1.Asn1) => Buffer.from(asn1.toDer(a).getBytes(), 'binary');
const fromDer = (b: Buffer) => asn1.fromDer(forge.util.createBuffer(b.toString('binary')));
const alg = (o: string, withNull = true) => seq(withNull ? [oid(o), asn1.create(U, T.NULL, false, '')] : [oid(o)]);

/** UTCTime until 2049, GeneralizedTime after (RFC 5652 §11.3). */
function time(d: Date): Forge.asn1.Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** The issuer Name and serialNumber exactly as encoded in the certificate (not re-encoded). */
function issuerAndSerial(certDer: Buffer): { issuer: Forge.asn1.Asn1; serial: Forge.asn1.Asn1 } {
  const tbs = (fromDer(certDer).value as Forge.asn1.Asn1[])[0].value as Forge.asn1.Asn1[];
  const hasVersion = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC;
  return { serial: tbs[hasVersion ? 1 : 0], issuer: tbs[hasVersion ? 3 : 2] };
}

export interface CmsInput {
  /** The bytes the PDF's ByteRange covers. */
  data: Buffer;
  signingTime: Date;
  key: crypto.KeyObject;
  /** DER certificates: the signer's first, then the chain towards the root. */
  chain: Buffer[];
}

/** The DER of a detached SignedData over `data`. */
export function signCms({ data, signingTime, key, chain }: CmsInput): Buffer {
  const [signerCert] = chain;
  const { issuer, serial } = issuerAndSerial(signerCert);
  const essCertIdV2 = seq([
    // hashAlgorithm DEFAULT sha256: omitted
    octets(crypto.createHash('sha256').update(signerCert).digest()),
    seq([seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 4, true, [issuer])]), serial]),
  ]);
  const attr = (type: string, value: Forge.asn1.Asn1) => der(seq([oid(type), set([value])]));
  // DER: a SET OF is sorted by the encodings of its members.
  const attrs = [
    attr(OID.contentType, oid(OID.data)),
    attr(OID.signingTime, time(signingTime)),
    attr(OID.messageDigest, octets(crypto.createHash('sha256').update(data).digest())),
    attr(OID.signingCertificateV2, seq([seq([essCertIdV2])])),
  ].sort(Buffer.compare);
  const signedAttrsSet = Buffer.concat([
    derHeader(
      0x31,
      attrs.reduce((n, a) => n + a.length, 0),
    ),
    ...attrs,
  ]);
  const isEc = key.asymmetricKeyType === 'ec';
  const signature = crypto.sign('sha256', signedAttrsSet, key);
  // In the SignerInfo the same SET is [0] IMPLICIT.
  const signedAttrsImplicit = Buffer.from(signedAttrsSet);
  signedAttrsImplicit[0] = 0xa0;

  const signerInfo = seq([
    int(1),
    seq([issuer, serial]),
    alg(OID.sha256),
    fromDer(signedAttrsImplicit),
    isEc ? alg(OID.ecdsaWithSha256, false) : alg(OID.rsaEncryption),
    octets(signature),
  ]);
  const signedData = seq([
    int(1),
    set([alg(OID.sha256)]),
    seq([oid(OID.data)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, chain.map(fromDer)),
    set([signerInfo]),
  ]);
  return der(seq([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}
