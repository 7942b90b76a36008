import type { Knex } from 'knex';
import type { Db } from '../db';
import { dialect, withTransaction } from '../db';
import { AppError, Invalid, NotFound } from '../errors';
import type { Actor } from '../policies/actor';
import { isSystem } from '../policies/actor';
import { findDossiersByIds } from '../queries/dossiers.queries';
import { findUnitByCode, listUnits, subtreeIds, Unit } from '../queries/units.queries';
import * as q from '../queries/unit-merge.queries';
import { ALLOWED_PARENTS } from './accounts.service';
import { transition } from './engine/engine';
import { dispatchMoveKind, MovedRole, replyMoveKind, unitMoveKind } from './engine/unit-move.kind';

/**
 * Merging one unit into another (design.md §13, contract.md §2): the unit that goes hands its users,
 * in-progress dossiers, open replies and open dispatches to the one that stays, in ONE
 * transaction; it stays as an inactive unit that names its successor, so finished dossiers keep the
 * codes and names they were received under and reports of the successor can count its predecessors.
 */

export interface MergePreview {
  from: Unit;
  into: Unit;
  users: q.MergeUser[];
  dossiers: Array<q.MergeDossier & { roles: MovedRole[] }>;
  replies: q.MergeReply[];
  /** Open replies not moved: the dispatch already asked the successor too (its own reply answers). */
  repliesKept: q.MergeReply[];
  /** Drafts, and dispatches waiting for approval or issue: they will be issued by the successor. */
  dispatches: q.MergeDispatch[];
  /**
   * Issued and still open (replies awaited): the successor follows them up, reminds and compiles the
   * synthesis; they keep the number they were issued under.
   */
  dispatchesIssued: q.MergeDispatch[];
  /** Issued and still open but addressed to the successor too: it answers them, so they stay. */
  dispatchesKept: q.MergeDispatch[];
  /** Unissued dispatches that will be sent to the successor instead. */
  draftsAddressed: number;
  /** Active units under the one that goes: they will hang under the successor. */
  children: Unit[];
  /** Procedures with a step performed by the unit that goes: the successor performs it from now on. */
  procedures: Array<{ code: string; name: string }>;
  /** Why the merge cannot be done (empty when it can). */
  refusals: string[];
}

export interface MergeResult {
  from: string;
  into: string;
  moved: { users: number; dossiers: number; replies: number };
  dispatches: number;
  /** Issued dispatches still awaiting replies, now followed up by the successor (an addition to contract.md §2). */
  issuedDispatches: number;
  units: number;
}

const UNISSUED = ['draft', 'pending_approval', 'approved'];

/** 409 for a dossier, reply or dispatch of the unit that another action holds right now. */
export class Busy extends AppError {
  constructor(what: string) {
    super(409, 'busy', `${what} đang được thao tác, vui lòng thử lại sau ít phút.`);
  }
}

async function unitsOf(db: Db | Knex.Transaction, fromCode: string, intoCode: string) {
  const from = await findUnitByCode(db, fromCode);
  if (!from) throw new NotFound('Không tìm thấy đơn vị.');
  const into = await findUnitByCode(db, intoCode);
  if (!into) throw new NotFound(`Không tìm thấy đơn vị nhận sáp nhập "${intoCode}".`);
  return { from, into };
}

async function refusalsOf(db: Db | Knex.Transaction, from: Unit, into: Unit, children: Unit[]): Promise<string[]> {
  const out: string[] = [];
  if (from.id === into.id) return ['Không thể sáp nhập đơn vị vào chính nó.'];
  if (from.mergedIntoId != null || !from.active) out.push(`Đơn vị ${from.name} đã ngừng hoạt động.`);
  if (!into.active) out.push(`Đơn vị nhận ${into.name} đã ngừng hoạt động.`);
  if ((await subtreeIds(db, from.id)).includes(into.id))
    out.push(`Không thể sáp nhập ${from.name} vào ${into.name} là đơn vị trực thuộc nó.`);
  const misfit = children.filter((c) => !ALLOWED_PARENTS[c.level].includes(into.level));
  if (misfit.length)
    out.push(`Đơn vị trực thuộc không thể chuyển sang ${into.name}: ${misfit.map((c) => c.name).join(', ')}.`);
  return out;
}

async function gather(db: Db | Knex.Transaction, from: Unit, into: Unit): Promise<MergePreview> {
  const children = (await listUnits(db)).filter((u) => u.parentId === from.id && u.active);
  const replies = await q.openRepliesToUnit(db, from.id);
  const intoReplies = await q.dispatchIdsRepliedBy(db, into.id);
  const dispatches = await q.openDispatchesOfUnit(db, from.id);
  const dossiers = await q.openDossiersOfUnit(db, from.id);
  return {
    from,
    into,
    users: await q.usersOfUnit(db, from.id),
    dossiers: dossiers.map((d) => ({
      ...d,
      roles: (['receiving', 'competent', 'handling'] as const).filter(
        (r) => d[`${r}UnitId` as 'receivingUnitId'] === from.id,
      ),
    })),
    replies: replies.filter((r) => !intoReplies.has(r.dispatchId)),
    repliesKept: replies.filter((r) => intoReplies.has(r.dispatchId)),
    dispatches: dispatches.filter((d) => UNISSUED.includes(d.state)),
    dispatchesIssued: dispatches.filter((d) => !UNISSUED.includes(d.state) && !intoReplies.has(d.id)),
    dispatchesKept: dispatches.filter((d) => !UNISSUED.includes(d.state) && intoReplies.has(d.id)),
    draftsAddressed: (await q.draftsAddressedTo(db, from.id)).length,
    children,
    procedures: await q.proceduresNamingUnit(db, from.code),
    refusals: await refusalsOf(db, from, into, children),
  };
}

/**
 * What merging `fromCode` into `intoCode` would move, and why it cannot be done if it cannot.
 * 404 for an unknown unit.
 */
export async function previewMerge(db: Db, fromCode: string, intoCode: string): Promise<MergePreview> {
  const { from, into } = await unitsOf(db, fromCode, intoCode);
  return gather(db, from, into);
}

/** Lock rows of the unit's things; on MySQL without waiting: another action holding one → {@link Busy}. */
async function lockNow(db: Knex.Transaction, qb: Knex.QueryBuilder, what: string): Promise<void> {
  if (dialect(db) !== 'mysql') return;
  try {
    await qb.forUpdate().noWait().select('id');
  } catch (err) {
    const e = err as { errno?: number };
    if (e.errno === 3572 || e.errno === 1205) throw new Busy(what);
    throw err;
  }
}

/**
 * Merge `fromCode` into `intoCode` (admin): one transaction that locks both unit rows and every row it
 * moves (a dossier another action holds → 409, nothing moved), then moves users, rewrites each
 * in-progress dossier's units through the engine (an UNIT_MERGED event in its history, a new version),
 * readdresses open replies and open dispatches (issued ones keep their number), and retires the old unit naming its successor.
 * 404 unknown unit; 422 into itself, into a unit below it, or an inactive unit.
 */
export async function mergeUnit(
  db: Db,
  actor: Actor,
  fromCode: string,
  intoCode: string,
  now = Date.now(),
): Promise<MergeResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(db, (trx) => mergeIn(trx, actor, fromCode, intoCode, now), 3);
    } catch (err) {
      // Another action's transaction ends in milliseconds: a second look before answering 409.
      if (!(err instanceof Busy) || attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function mergeIn(
  trx: Knex.Transaction,
  actor: Actor,
  fromCode: string,
  intoCode: string,
  now: number,
): Promise<MergeResult> {
  const seen = await unitsOf(trx, fromCode, intoCode);
  await q.lockUnits(trx, [seen.from.id, seen.into.id]);
  const { from, into } = await unitsOf(trx, fromCode, intoCode);
  const p = await gather(trx, from, into);
  if (p.refusals.length) throw new Invalid(p.refusals.join(' '), { fields: { intoCode: p.refusals[0] } });

  await lockNow(trx, q.openDossiersQuery(trx, from.id).clone(), 'Một hồ sơ của đơn vị');
  await lockNow(
    trx,
    q.rowsById(
      trx,
      'dispatch_replies',
      p.replies.map((r) => r.id),
    ),
    'Một ý kiến của đơn vị',
  );
  await lockNow(
    trx,
    q.rowsById(
      trx,
      'dispatches',
      [...p.dispatches, ...p.dispatchesIssued].map((d) => d.id),
    ),
    'Một công văn của đơn vị',
  );

  const units = {
    from: { id: from.id, code: from.code, name: from.name },
    into: { id: into.id, code: into.code, name: into.name },
  };
  const rows = await findDossiersByIds(
    trx,
    p.dossiers.map((d) => d.id),
  );
  for (const row of rows)
    await transition(trx, unitMoveKind(row), { id: row.id, actor, input: { type: 'UNIT_MERGED', ...units }, now });

  for (const r of p.replies)
    await transition(trx, replyMoveKind(), { id: r.id, actor, input: { type: 'UNIT_MERGED', ...units }, now });
  for (const d of [...p.dispatches, ...p.dispatchesIssued])
    await transition(trx, dispatchMoveKind(), { id: d.id, actor, input: { type: 'UNIT_MERGED', ...units }, now });
  for (const d of await q.draftsAddressedTo(trx, from.id)) {
    const recipients = [...new Set(d.recipients.map((id) => (id === from.id ? into.id : id)))];
    await q.setDraftRecipients(trx, d.id, recipients, now);
  }
  const users = await q.moveUsers(trx, from.id, into.id, now);
  await q.reparentUnits(
    trx,
    p.children.map((c) => c.id),
    into.id,
    now,
  );
  await q.inheritVisibility(trx, from.id, into.id);
  const moved = { users, dossiers: rows.length, replies: p.replies.length };
  const counts = {
    dispatches: p.dispatches.length,
    issuedDispatches: p.dispatchesIssued.length,
    units: p.children.length,
  };
  await q.markMerged(trx, {
    fromId: from.id,
    intoId: into.id,
    actorId: isSystem(actor) ? null : actor.id,
    moved: { ...moved, ...counts },
    now,
  });
  return { from: from.code, into: into.code, moved, ...counts };
}
