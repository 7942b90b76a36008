import type { Knex } from 'knex';
import type { Config } from '../config';
import { Invalid } from '../errors';
import { getSetting, insertSettingIfAbsent } from '../queries/app-settings.queries';
import {
  currentCertificate,
  currentCertificatesOf,
  insertCertificateIfAbsent,
  NewCertificate,
  Owner,
  ownerKey,
  replaceCertificate,
  signingUsers,
} from '../queries/certificates.queries';
import { listUnits } from '../queries/units.queries';
import {
  certInfo,
  createDemoCa,
  issueDemoCertificate,
  KeyMaterial,
  materialSigner,
  P12Problem,
  readPkcs12,
} from '../signing/certs';
import { secretBox } from '../signing/secrets';
import type { SignerOrProblem } from '../signing/signer';
import { formatVnDate } from '../../workflows/calendar/time';

/**
 * Who signs with what (design.md §10): the current certificate of a leader or of a unit (its seal),
 * an admin's PKCS#12 upload, and the demo CA that issues certificates while no admin has uploaded
 * any. Keys leave the database only sealed; nothing here logs a key, a password or a PKCS#12.
 */
type Q = Knex | Knex.Transaction;
type SignerConfig = Pick<Config, 'SIGNING_KEY' | 'dataDir'>;

/** app_settings: the demo CA ({cert, secret}), and when an admin first uploaded a certificate. */
export const DEMO_CA_SETTING = 'signing.demo_ca';
export const FIRST_UPLOAD_SETTING = 'signing.first_upload_at';

/** PKCS#12 files larger than this are refused. */
export const MAX_P12_BYTES = 100 * 1024;

interface Who {
  owner: Owner;
  /** The certificate's subject for a demo issue. */
  subject: { commonName: string; organization: string };
  /** "ông/bà" or "đơn vị X", in the messages. */
  whose: string;
  none: string;
}

/** The demo CA, created once (the first process to store it wins; the others read it). */
async function demoCa(db: Q, config: SignerConfig): Promise<KeyMaterial | null> {
  let stored = await getSetting(db, DEMO_CA_SETTING);
  if (!stored) {
    const ca = await createDemoCa();
    await insertSettingIfAbsent(
      db,
      DEMO_CA_SETTING,
      JSON.stringify({ cert: ca.chain[0], secret: secretBox(config).seal(ca.key) }),
    );
    stored = await getSetting(db, DEMO_CA_SETTING);
  }
  const { cert, secret } = JSON.parse(stored!) as { cert: string; secret: string };
  const key = secretBox(config).open(secret);
  return key ? { key: key.toString('utf8'), chain: [cert] } : null;
}

/** At start: the demo CA exists (cheap when it already does). */
export async function ensureDemoCa(db: Knex, config: SignerConfig): Promise<void> {
  if (await getSetting(db, DEMO_CA_SETTING)) return;
  await demoCa(db, config);
}

function sealed(config: SignerConfig, m: KeyMaterial, demo: boolean, uploadedBy: number | null): NewCertificate {
  const info = certInfo(m.chain[0]);
  return {
    subject: info.subject,
    issuer: info.issuer,
    serial: info.serial,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    demo,
    certPem: m.chain[0],
    secret: secretBox(config).seal(JSON.stringify(m)),
    uploadedBy,
  };
}

const ASK_ADMIN = 'Đề nghị quản trị viên tải lên chứng thư số (PKCS#12).';

async function signerFor(db: Q, config: SignerConfig, who: Who, now: Date): Promise<SignerOrProblem> {
  const uploaded = (await getSetting(db, FIRST_UPLOAD_SETTING)) !== null;
  let cert = await currentCertificate(db, who.owner);
  if (!cert) {
    if (uploaded) return { problem: `${who.none} ${ASK_ADMIN}` };
    const ca = await demoCa(db, config);
    if (!ca)
      return {
        problem:
          'Không giải mã được khóa của CA thử nghiệm (khóa SIGNING_KEY hoặc tệp signing.key đã thay đổi). ' + ASK_ADMIN,
      };
    const m = await issueDemoCertificate(ca, who.subject, now);
    // Two first signatures at once: one row wins, both sign with it.
    await insertCertificateIfAbsent(db, who.owner, sealed(config, m, true, null), now.getTime());
    cert = await currentCertificate(db, who.owner, true);
    if (!cert) throw new Error('certificate vanished after insert');
  }
  if (cert.demo && uploaded)
    return {
      problem: `Chứng thư số thử nghiệm của ${who.whose} không còn được dùng vì hệ thống đã dùng chứng thư số thật. ${ASK_ADMIN}`,
    };
  if (now.getTime() > cert.notAfter.getTime())
    return { problem: `Chứng thư số của ${who.whose} đã hết hạn ngày ${formatVnDate(cert.notAfter)}. ${ASK_ADMIN}` };
  if (now.getTime() < cert.notBefore.getTime())
    return {
      problem: `Chứng thư số của ${who.whose} chưa có hiệu lực (có hiệu lực từ ngày ${formatVnDate(cert.notBefore)}).`,
    };
  const plain = secretBox(config).open(cert.secret);
  if (!plain)
    return {
      problem: `Không giải mã được chứng thư số của ${who.whose} (khóa SIGNING_KEY hoặc tệp signing.key đã thay đổi). Đề nghị quản trị viên tải lên lại chứng thư số (PKCS#12).`,
    };
  return materialSigner(JSON.parse(plain.toString('utf8')) as KeyMaterial, cert.demo);
}

/**
 * The signer for a leader, or why they cannot sign now (in Vietnamese, for them). Inside the
 * engine's transaction pass the transaction (SQLite has one connection).
 */
export async function signerForUser(
  db: Q,
  config: SignerConfig,
  user: { id: number; fullName: string; unitName: string },
  now = new Date(),
): Promise<SignerOrProblem> {
  return signerFor(
    db,
    config,
    {
      owner: { kind: 'user', id: user.id },
      subject: { commonName: user.fullName, organization: user.unitName },
      whose: 'ông/bà',
      none: 'Ông/bà chưa có chứng thư số để ký.',
    },
    now,
  );
}

/** The signer for a unit's seal, or why it cannot seal now. */
export async function signerForUnit(
  db: Q,
  config: SignerConfig,
  unit: { id: number; code: string; name: string },
  now = new Date(),
): Promise<SignerOrProblem> {
  return signerFor(
    db,
    config,
    {
      owner: { kind: 'unit', id: unit.id },
      subject: { commonName: unit.name, organization: unit.name },
      whose: `đơn vị ${unit.name}`,
      none: `Đơn vị ${unit.name} chưa có chứng thư số để đóng dấu.`,
    },
    now,
  );
}

/**
 * An admin's PKCS#12 for a user or a unit: checked (password, private key, validity), then stored
 * sealed as the owner's current certificate; the first upload ends demo mode. Bad input → Invalid
 * with the message for the form, nothing stored.
 */
export async function uploadCertificate(
  db: Knex,
  config: SignerConfig,
  input: { owner: Owner; p12: Buffer; password: string; uploadedBy: number },
  now = new Date(),
): Promise<{ subject: string; notAfter: Date }> {
  const field = (msg: string, name = 'file') => new Invalid(msg, { fields: { [name]: msg } });
  if (input.p12.length === 0) throw field('Chưa chọn tệp chứng thư số (.p12/.pfx).');
  if (input.p12.length > MAX_P12_BYTES) throw field('Tệp chứng thư số quá lớn (tối đa 100 KB).');
  let m: KeyMaterial;
  try {
    m = readPkcs12(input.p12, input.password);
  } catch (err) {
    if (!(err instanceof P12Problem)) throw err;
    throw field(err.message, err.message.startsWith('Mật khẩu') ? 'password' : 'file');
  }
  const info = certInfo(m.chain[0]);
  if (info.notAfter.getTime() < now.getTime())
    throw field(`Chứng thư số đã hết hạn ngày ${formatVnDate(info.notAfter)}.`);
  if (info.notBefore.getTime() > now.getTime())
    throw field(`Chứng thư số chưa có hiệu lực (có hiệu lực từ ngày ${formatVnDate(info.notBefore)}).`);
  const row = sealed(config, m, false, input.uploadedBy);
  await db.transaction(async (trx) => {
    await replaceCertificate(trx, input.owner, row, now.getTime());
    await insertSettingIfAbsent(trx, FIRST_UPLOAD_SETTING, String(now.getTime()));
  });
  return { subject: info.subject, notAfter: info.notAfter };
}

export interface CertificateView {
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  demo: boolean;
  expired: boolean;
}

/** What the admin page lists: signing users and units, each with its current certificate (no secrets). */
export async function certificateOverview(db: Knex, now = new Date()) {
  const [users, units, uploaded] = await Promise.all([
    signingUsers(db),
    listUnits(db),
    getSetting(db, FIRST_UPLOAD_SETTING),
  ]);
  const activeUnits = units.filter((u) => u.active);
  const owners: Owner[] = [
    ...users.map((u) => ({ kind: 'user' as const, id: u.id })),
    ...activeUnits.map((u) => ({ kind: 'unit' as const, id: u.id })),
  ];
  const certs = await currentCertificatesOf(db, owners);
  const view = (o: Owner): CertificateView | null => {
    const c = certs.get(ownerKey(o));
    return c
      ? {
          subject: c.subject,
          issuer: c.issuer,
          notBefore: c.notBefore,
          notAfter: c.notAfter,
          demo: c.demo,
          expired: c.notAfter.getTime() < now.getTime(),
        }
      : null;
  };
  return {
    demoMode: uploaded === null,
    users: users.map((u) => ({ ...u, certificate: view({ kind: 'user', id: u.id }) })),
    units: activeUnits.map((u) => ({
      id: u.id,
      code: u.code,
      name: u.name,
      certificate: view({ kind: 'unit', id: u.id }),
    })),
  };
}
