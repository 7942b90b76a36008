import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** Who a certificate belongs to: a signing user, or a unit (its seal). */
export type Owner = { kind: 'user'; id: number } | { kind: 'unit'; id: number };

export const ownerKey = (o: Owner) => `${o.kind}:${o.id}`;

export interface CertificateRow {
  id: number;
  userId: number | null;
  unitId: number | null;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  demo: boolean;
  certPem: string;
  /** Sealed {key, chain}. */
  secret: string;
  uploadedBy: number | null;
  createdAt: Date;
}

export interface NewCertificate {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  demo: boolean;
  certPem: string;
  secret: string;
  uploadedBy: number | null;
}

interface Row {
  id: number;
  user_id: number | null;
  unit_id: number | null;
  subject: string;
  issuer: string;
  serial: string;
  not_before: number | string;
  not_after: number | string;
  demo: number | boolean;
  cert_pem: string;
  secret: string;
  uploaded_by: number | null;
  created_at: number | string;
}

const toCert = (r: Row): CertificateRow => ({
  id: Number(r.id),
  userId: r.user_id == null ? null : Number(r.user_id),
  unitId: r.unit_id == null ? null : Number(r.unit_id),
  subject: r.subject,
  issuer: r.issuer,
  serial: r.serial,
  notBefore: new Date(Number(r.not_before)),
  notAfter: new Date(Number(r.not_after)),
  demo: Boolean(r.demo),
  certPem: r.cert_pem,
  secret: r.secret,
  uploadedBy: r.uploaded_by == null ? null : Number(r.uploaded_by),
  createdAt: new Date(Number(r.created_at)),
});

function row(owner: Owner, c: NewCertificate, now: number) {
  return {
    user_id: owner.kind === 'user' ? owner.id : null,
    unit_id: owner.kind === 'unit' ? owner.id : null,
    current_owner: ownerKey(owner),
    subject: c.subject,
    issuer: c.issuer,
    serial: c.serial,
    not_before: c.notBefore.getTime(),
    not_after: c.notAfter.getTime(),
    demo: c.demo,
    cert_pem: c.certPem,
    secret: c.secret,
    uploaded_by: c.uploadedBy,
    created_at: now,
  };
}

/**
 * The owner's current certificate. `lock`: a locking read (MySQL reads the latest committed row, not
 * the transaction's snapshot: after an insert that lost a race, the winner's row is seen).
 */
export async function currentCertificate(db: Q, owner: Owner, lock = false): Promise<CertificateRow | null> {
  let q = db('certificates').where({ current_owner: ownerKey(owner) });
  if (lock) q = q.forUpdate();
  const r = (await q.first()) as Row | undefined;
  return r ? toCert(r) : null;
}

/** Insert the owner's first certificate unless another process already did (the first one stays). */
export async function insertCertificateIfAbsent(db: Q, owner: Owner, c: NewCertificate, now: number): Promise<void> {
  await db('certificates')
    .insert(row(owner, c, now))
    .onConflict('current_owner')
    .ignore();
}

/** Make `c` the owner's current certificate; the one before it is kept, no longer current. */
export async function replaceCertificate(db: Q, owner: Owner, c: NewCertificate, now: number): Promise<number> {
  await db('certificates')
    .where({ current_owner: ownerKey(owner) })
    .update({ current_owner: null, replaced_at: now });
  const [id] = await db('certificates').insert(row(owner, c, now));
  return Number(id);
}

/** Current certificates of these users and units (no secrets), for the admin page. */
export async function currentCertificatesOf(
  db: Q,
  owners: Owner[],
): Promise<Map<string, Omit<CertificateRow, 'secret' | 'certPem'>>> {
  const keys = owners.map(ownerKey);
  const out = new Map<string, Omit<CertificateRow, 'secret' | 'certPem'>>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = (await db('certificates')
      .whereIn('current_owner', keys.slice(i, i + 500))
      .select(
        'id',
        'user_id',
        'unit_id',
        'current_owner',
        'subject',
        'issuer',
        'serial',
        'not_before',
        'not_after',
        'demo',
        'uploaded_by',
        'created_at',
      )) as Array<Row & { current_owner: string }>;
    for (const r of rows) {
      const { secret: _s, certPem: _c, ...c } = toCert({ ...r, secret: '', cert_pem: '' });
      out.set(r.current_owner, c);
    }
  }
  return out;
}

/** Active users with the leader role (the people who sign results), with their unit's name. */
export async function signingUsers(
  db: Q,
): Promise<Array<{ id: number; username: string; fullName: string; unitName: string | null }>> {
  const rows = (await db('users as us')
    .join('user_roles as r', 'r.user_id', 'us.id')
    .leftJoin('units as un', 'un.id', 'us.unit_id')
    .where('r.role', 'leader')
    .andWhere('us.active', true)
    .distinct('us.id', 'us.username', 'us.full_name', 'un.name as unit_name')
    .orderBy([{ column: 'un.name' }, { column: 'us.full_name' }])) as Array<{
    id: number;
    username: string;
    full_name: string;
    unit_name: string | null;
  }>;
  return rows.map((r) => ({ id: Number(r.id), username: r.username, fullName: r.full_name, unitName: r.unit_name }));
}
