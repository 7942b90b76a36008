import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type Forge from 'node-forge';
import { lazyModule } from '../lazy';
import { signCms } from './cms';
import type { Signer, SignerIdentity } from './signer';

/** Loaded on the first certificate made or read (issue 17: memory). */
const forge = lazyModule<typeof Forge>('node-forge', 'default');

/**
 * Certificates and keys: the local demo CA (design.md §10), the certificates it issues, the PKCS#12
 * an admin uploads, and the Signer made from a key and its chain. Keys are made by node's crypto
 * (much faster than forge's pure-JS keygen) and handed to forge only to build certificates.
 */

/** Said in every demo certificate's subject (OU) and in the demo CA's name. */
export const NOT_LEGAL = 'không có giá trị pháp lý';
export const DEMO_CA_NAME = `Một Cửa Demo CA – ${NOT_LEGAL}`;
export const DEMO_OU = `Chứng thư số thử nghiệm – ${NOT_LEGAL}`;

/** Key and chain (PEM): what is stored, encrypted, for one certificate. */
export interface KeyMaterial {
  /** PKCS#8 PEM. */
  key: string;
  /** The certificate first, then its issuers. */
  chain: string[];
}

export interface CertInfo {
  subject: string;
  commonName: string;
  issuer: string;
  issuerCommonName: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

const generateKeyPair = promisify(crypto.generateKeyPair);

async function newRsaKey(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey as unknown as string, publicPem: publicKey as unknown as string };
}

type Attr = { shortName?: string; name?: string; value: string; valueTagClass?: number };
const utf8 = (shortName: string, value: string): Attr => ({
  shortName,
  value,
  valueTagClass: forge.asn1.Type.UTF8 as unknown as number,
});

/** forge leaves UTF8String values as UTF-8 bytes in a binary string. */
function attrText(a: { value?: unknown; valueTagClass?: number }): string {
  const v = String(a.value ?? '');
  if (a.valueTagClass !== forge.asn1.Type.UTF8) return v;
  try {
    return forge.util.decodeUtf8(v);
  } catch {
    return v;
  }
}

function dnText(attrs: Array<{ shortName?: string; name?: string; value?: unknown; valueTagClass?: number }>): string {
  return attrs.map((a) => `${a.shortName ?? a.name}=${attrText(a)}`).join(', ');
}

function cn(attrs: Array<{ shortName?: string; value?: unknown; valueTagClass?: number }>): string {
  const a = attrs.find((x) => x.shortName === 'CN');
  return a ? attrText(a) : dnText(attrs);
}

/** What the page and the signature show of a certificate. */
export function certInfo(pem: string): CertInfo {
  const c = forge.pki.certificateFromPem(pem);
  return {
    subject: dnText(c.subject.attributes),
    commonName: cn(c.subject.attributes),
    issuer: dnText(c.issuer.attributes),
    issuerCommonName: cn(c.issuer.attributes),
    serial: c.serialNumber.toUpperCase(),
    notBefore: c.validity.notBefore,
    notAfter: c.validity.notAfter,
  };
}

function randomSerial(): string {
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f; // positive
  b[0] |= 0x10; // no leading zero byte
  return b.toString('hex');
}

function sha256(): Forge.md.MessageDigest {
  return forge.md.sha256.create();
}

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** forge's cert.sign asks `key.sign(md)`: answered by node's crypto (forge's JS RSA takes ~0.5 s). */
function nodeSigningKey(pem: string): Forge.pki.rsa.PrivateKey {
  const key = crypto.createPrivateKey(pem);
  return {
    sign(md: Forge.md.MessageDigest) {
      const digest = Buffer.from(md.digest().getBytes(), 'binary');
      const sig = crypto.privateEncrypt(
        { key, padding: crypto.constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, digest]),
      );
      return sig.toString('binary');
    },
  } as unknown as Forge.pki.rsa.PrivateKey;
}

/** A Name's attributes as setSubject/setIssuer want them (forge leaves parsed UTF-8 values encoded). */
const nameOf = (attrs: Array<{ shortName?: string; type?: string; value?: unknown; valueTagClass?: number }>) =>
  attrs.map((a) => ({ type: a.type, value: attrText(a), valueTagClass: a.valueTagClass }));

/** A new self-signed demo CA, valid 20 years. */
export async function createDemoCa(now = new Date()): Promise<KeyMaterial> {
  const { privatePem, publicPem } = await newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + 20 * 365 * 86_400_000);
  const name = [utf8('CN', DEMO_CA_NAME), utf8('O', 'Một Cửa'), utf8('OU', DEMO_OU), { shortName: 'C', value: 'VN' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nodeSigningKey(privatePem), sha256());
  return { key: privatePem, chain: [forge.pki.certificateToPem(cert)] };
}

/** A demo certificate for a person (CN = full name, O = unit) or a unit's seal (CN = O = unit), valid 3 years. */
export async function issueDemoCertificate(
  ca: KeyMaterial,
  subject: { commonName: string; organization: string },
  now = new Date(),
): Promise<KeyMaterial> {
  const { privatePem, publicPem } = await newRsaKey();
  const caCert = forge.pki.certificateFromPem(ca.chain[0]);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicPem);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + 3 * 365 * 86_400_000);
  cert.setSubject([
    utf8('CN', subject.commonName),
    utf8('O', subject.organization),
    utf8('OU', DEMO_OU),
    { shortName: 'C', value: 'VN' },
  ]);
  cert.setIssuer(nameOf(caCert.subject.attributes));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(nodeSigningKey(ca.key), sha256());
  return { key: privatePem, chain: [forge.pki.certificateToPem(cert), ...ca.chain] };
}

/** Why an uploaded PKCS#12 cannot be used, in Vietnamese for the admin. */
export class P12Problem extends Error {}

/**
 * The key and chain inside a PKCS#12, checked: right password, one private key, the certificate that
 * matches it (its issuers after it). Throws P12Problem with the admin's message; logs nothing.
 */
export function readPkcs12(bytes: Buffer, password: string): KeyMaterial {
  let asn;
  try {
    asn = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')), { strict: false } as never);
  } catch {
    throw new P12Problem('Tệp không phải chứng thư số PKCS#12 (.p12/.pfx).');
  }
  let p12: Forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn, false, password);
  } catch (err) {
    const msg = String((err as Error)?.message ?? '');
    if (/mac could not be verified|invalid password/i.test(msg))
      throw new P12Problem('Mật khẩu chứng thư số không đúng.');
    if (/not an PKCS#12 PFX|Cannot read PKCS#12|ASN\.1|DER|bytes/i.test(msg))
      throw new P12Problem('Tệp không phải chứng thư số PKCS#12 (.p12/.pfx).');
    if (/unsupported|unknown|cannot read|decrypt/i.test(msg))
      throw new P12Problem('Chứng thư số dùng thuật toán chưa được hỗ trợ (chỉ hỗ trợ khóa RSA).');
    throw new P12Problem('Tệp không phải chứng thư số PKCS#12 (.p12/.pfx).');
  }
  const bagsOf = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(forge.pki.oids.keyBag)];
  const certs = bagsOf(forge.pki.oids.certBag)
    .map((b) => b.cert)
    .filter((c): c is Forge.pki.Certificate => !!c);
  if (!keyBags.length) throw new P12Problem('Tệp PKCS#12 không chứa khóa bí mật.');
  const forgeKey = keyBags[0].key as Forge.pki.rsa.PrivateKey | undefined;
  if (!forgeKey) throw new P12Problem('Chứng thư số dùng thuật toán chưa được hỗ trợ (chỉ hỗ trợ khóa RSA).');
  if (!certs.length) throw new P12Problem('Tệp PKCS#12 không chứa chứng thư số.');
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(forgeKey)));
  const modulus = forgeKey.n.toString(16);
  const own = certs.find((c) => (c.publicKey as Forge.pki.rsa.PublicKey).n?.toString(16) === modulus);
  if (!own) throw new P12Problem('Khóa bí mật không khớp với chứng thư số trong tệp.');
  // The chain in order: each issuer after the certificate it signed.
  const chain = [own];
  for (let cur = own; chain.length <= certs.length;) {
    const next = certs.find((c) => !chain.includes(c) && cur.isIssuer(c));
    if (!next) break;
    chain.push(next);
    cur = next;
  }
  return { key: keyPem, chain: chain.map((c) => forge.pki.certificateToPem(c)) };
}

/** The DER inside a PEM block, byte for byte (no re-encoding). */
export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** A Signer over a key and its chain (a stored PKCS#12 or a demo certificate). */
export function materialSigner(m: KeyMaterial, demo: boolean): Signer {
  const key = crypto.createPrivateKey(m.key);
  const chain = m.chain.map(pemToDer);
  const info = certInfo(m.chain[0]);
  const identity: SignerIdentity = {
    commonName: info.commonName,
    issuer: info.issuerCommonName,
    serial: info.serial,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    demo,
  };
  return {
    identity,
    maxSignatureBytes: 4096 + chain.reduce((n, c) => n + c.length, 0),
    async sign(data: Buffer, signingTime: Date) {
      return signCms({ data, signingTime, key, chain });
    },
  };
}
