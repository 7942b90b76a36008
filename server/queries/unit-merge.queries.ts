import type { Knex } from 'knex';
import { forUpdate } from '../db';
import { FINAL_STATES } from '../../workflows/status';
import { OPEN_REPLY_STATES } from '../../workflows/dispatch/reply.machine';
import { num, numOrNull, str } from './normalise';

/*
 * What a unit merge (design.md §13) reads and writes besides the engine's dossier events: the users,
 * in-progress dossiers, open replies and dispatches of the unit that goes, and the merge record.
 */

type Q = Knex | Knex.Transaction;

export interface MergeUser {
  id: number;
  username: string;
  fullName: string;
}

export interface MergeDossier {
  id: number;
  code: string;
  state: string;
  status: string;
  applicantName: string;
  procedureName: string;
  receivingUnitId: number;
  competentUnitId: number;
  handlingUnitId: number | null;
}

export interface MergeReply {
  id: number;
  dispatchId: number;
  state: string;
  dispatchTitle: string;
  dispatchNumber: string | null;
}

export interface MergeDispatch {
  id: number;
  state: string;
  title: string;
  number: string | null;
  /** A consultation inside this dossier (design.md §11), or a stand-alone dispatch. */
  dossierCode: string | null;
}

export async function usersOfUnit(db: Q, unitId: number): Promise<MergeUser[]> {
  const rows = await db('users').where({ unit_id: unitId }).orderBy('username').select('id', 'username', 'full_name');
  return rows.map((r) => ({ id: num(r.id), username: str(r.username), fullName: str(r.full_name) }));
}

/** Dossiers not in a final state that name the unit as receiving, competent or handling unit. */
export function openDossiersQuery(db: Q, unitId: number) {
  return db('dossiers as d')
    .whereNotIn('d.status', [...FINAL_STATES])
    .where((qb) =>
      qb
        .where('d.receiving_unit_id', unitId)
        .orWhere('d.competent_unit_id', unitId)
        .orWhere('d.handling_unit_id', unitId),
    );
}

export async function openDossiersOfUnit(db: Q, unitId: number): Promise<MergeDossier[]> {
  const rows = await openDossiersQuery(db, unitId)
    .orderBy('d.id')
    .select(
      'd.id',
      'd.code',
      'd.state',
      'd.status',
      'd.applicant_name',
      'd.procedure_name',
      'd.receiving_unit_id',
      'd.competent_unit_id',
      'd.handling_unit_id',
    );
  return rows.map((r) => ({
    id: num(r.id),
    code: str(r.code),
    state: str(r.state),
    status: str(r.status),
    applicantName: str(r.applicant_name),
    procedureName: str(r.procedure_name),
    receivingUnitId: num(r.receiving_unit_id),
    competentUnitId: num(r.competent_unit_id),
    handlingUnitId: numOrNull(r.handling_unit_id),
  }));
}

/** Replies addressed to the unit that are still open (received, assigned, waiting for approval). */
export async function openRepliesToUnit(db: Q, unitId: number): Promise<MergeReply[]> {
  const rows = await db('dispatch_replies as r')
    .join('dispatches as p', 'p.id', 'r.dispatch_id')
    .where('r.unit_id', unitId)
    .whereIn('r.state', [...OPEN_REPLY_STATES])
    .orderBy('r.id')
    .select('r.id', 'r.dispatch_id', 'r.state', 'p.title', 'p.number');
  return rows.map((r) => ({
    id: num(r.id),
    dispatchId: num(r.dispatch_id),
    state: str(r.state),
    dispatchTitle: str(r.title),
    dispatchNumber: r.number == null ? null : str(r.number),
  }));
}

/** Dispatches and consultations the unit issued (or drafts) that are not closed yet. */
export async function openDispatchesOfUnit(db: Q, unitId: number): Promise<MergeDispatch[]> {
  const rows = await db('dispatches as p')
    .leftJoin('dossiers as d', 'd.id', 'p.dossier_id')
    .where('p.issuing_unit_id', unitId)
    .whereNotIn('p.state', ['closed', 'deleted'])
    .orderBy('p.id')
    .select('p.id', 'p.state', 'p.title', 'p.number', 'd.code as dossier_code');
  return rows.map((r) => ({
    id: num(r.id),
    state: str(r.state),
    title: str(r.title),
    number: r.number == null ? null : str(r.number),
    dossierCode: r.dossier_code == null ? null : str(r.dossier_code),
  }));
}

/** Dispatches not issued yet whose planned recipients (unit ids, JSON) include the unit. */
export async function draftsAddressedTo(db: Q, unitId: number): Promise<Array<{ id: number; recipients: number[] }>> {
  const rows = await db('dispatches')
    .whereIn('state', ['draft', 'pending_approval', 'approved'])
    .select('id', 'recipients');
  return rows
    .map((r) => ({ id: num(r.id), recipients: (JSON.parse(str(r.recipients)) as unknown[]).map(Number) }))
    .filter((r) => r.recipients.includes(unitId));
}

/** Procedures whose latest version has a step performed by the unit named by code. */
export async function proceduresNamingUnit(db: Q, unitCode: string): Promise<Array<{ code: string; name: string }>> {
  const rows = await db('procedures as p')
    .join('procedure_versions as v', function () {
      this.on('v.procedure_id', '=', 'p.id').andOn('v.version', '=', 'p.latest_version');
    })
    .where('v.definition', 'like', `%${unitCode.replace(/[%_\\]/g, '\\$&')}%`)
    .select('p.code', 'p.name', 'v.definition');
  return rows
    .filter((r) => {
      const def = JSON.parse(str(r.definition)) as { steps?: Array<{ unit?: string }> };
      return (def.steps ?? []).some((s) => s.unit === unitCode);
    })
    .map((r) => ({ code: str(r.code), name: str(r.name) }));
}

/** How many active users belong to the unit. */
export async function activeUserCount(db: Q, unitId: number): Promise<number> {
  const row = await db('users').where({ unit_id: unitId, active: true }).count({ n: '*' }).first();
  return num(row?.n ?? 0);
}

export async function moveUsers(trx: Knex.Transaction, fromId: number, intoId: number, now: number): Promise<number> {
  return trx('users').where({ unit_id: fromId }).update({ unit_id: intoId, updated_at: now });
}

/**
 * The successor sees every dossier its predecessor saw (the archive comes with it): one visibility row
 * for each dossier the predecessor received, was competent for or handled.
 */
export async function inheritVisibility(trx: Knex.Transaction, fromId: number, intoId: number): Promise<void> {
  const ids = (await trx('dossiers as d')
    .where((qb) =>
      qb
        .where('d.receiving_unit_id', fromId)
        .orWhere('d.competent_unit_id', fromId)
        .orWhereExists((s) => s.from('dossier_units as a').whereRaw('a.dossier_id = d.id').where('a.unit_id', fromId)),
    )
    .whereNotExists((s) => s.from('dossier_units as b').whereRaw('b.dossier_id = d.id').where('b.unit_id', intoId))
    .pluck('d.id')) as number[];
  for (let i = 0; i < ids.length; i += 500)
    await trx('dossier_units').insert(ids.slice(i, i + 500).map((id) => ({ dossier_id: Number(id), unit_id: intoId })));
}

export async function markMerged(
  trx: Knex.Transaction,
  r: { fromId: number; intoId: number; actorId: number | null; moved: object; now: number },
): Promise<void> {
  await trx('units')
    .where({ id: r.fromId })
    .update({ active: false, merged_into_id: r.intoId, merged_at: r.now, updated_at: r.now });
  await trx('unit_merges').insert({
    from_unit_id: r.fromId,
    into_unit_id: r.intoId,
    actor_id: r.actorId,
    moved: JSON.stringify(r.moved),
    merged_at: r.now,
  });
}

/** The units merged into this one (directly), with when. */
export async function predecessorsOf(db: Q, unitId: number) {
  const rows = await db('units').where({ merged_into_id: unitId }).orderBy('code').select('code', 'name', 'merged_at');
  return rows.map((r) => ({ code: str(r.code), name: str(r.name), mergedAt: numOrNull(r.merged_at) }));
}

/** When each merged unit was merged, by unit id. */
export async function mergeTimes(db: Q): Promise<Map<number, number | null>> {
  const rows = await db('units').whereNotNull('merged_at').select('id', 'merged_at');
  return new Map(rows.map((r) => [num(r.id), numOrNull(r.merged_at)]));
}

/** The dispatches a unit already has a reply to (a merge keeps the old unit's reply there). */
export async function dispatchIdsRepliedBy(db: Q, unitId: number): Promise<Set<number>> {
  return new Set((await db('dispatch_replies').where({ unit_id: unitId }).pluck('dispatch_id')).map(num));
}

/** Lock unit rows, in id order (two merges at once never deadlock). */
export async function lockUnits(trx: Knex.Transaction, ids: number[]): Promise<void> {
  await forUpdate(trx, trx('units').whereIn('id', ids).orderBy('id')).select('id');
}

/** The rows a merge is about to move, to lock them without waiting (see unit-merge.service lockNow). */
export function rowsById(trx: Knex.Transaction, table: 'dispatch_replies' | 'dispatches', ids: number[]) {
  return trx(table).whereIn('id', ids);
}

/** A draft's recipients, readdressed (a draft is not sent yet: its addressees are only words). */
export async function setDraftRecipients(trx: Knex.Transaction, id: number, recipients: number[], now: number) {
  await trx('dispatches')
    .where({ id })
    .update({ recipients: JSON.stringify(recipients), updated_at: now });
}

/** Hang units under another parent. */
export async function reparentUnits(trx: Knex.Transaction, ids: number[], parentId: number, now: number) {
  if (ids.length) await trx('units').whereIn('id', ids).update({ parent_id: parentId, updated_at: now });
}

/**
 * The unit that issued a dispatch, as it was then: a merge after the issue moved the dispatch to the
 * successor (UNIT_MERGED events, each at the moment of a unit_merges row), but its number and letterhead
 * are those of the unit merged away. Walks the moves back from the current issuing unit.
 */
export async function issuerAtIssue(db: Q, dispatchId: number, unitId: number, issuedAt: number): Promise<number> {
  const moves = await db('dispatch_events')
    .where({ dispatch_id: dispatchId, type: 'UNIT_MERGED' })
    .whereNull('reply_id')
    .where('at', '>', issuedAt)
    .orderBy('id', 'desc')
    .pluck('at');
  let unit = unitId;
  for (const at of moves) {
    const m = await db('unit_merges')
      .where({ into_unit_id: unit, merged_at: Number(at) })
      .first('from_unit_id');
    if (m) unit = num(m.from_unit_id);
  }
  return unit;
}

/** A unit stops working (retired). */
export async function retireUnitRow(trx: Knex.Transaction, id: number, now: number): Promise<void> {
  await trx('units').where({ id }).update({ active: false, updated_at: now });
}
