import type { Knex } from 'knex';
import { forUpdate } from '../db';
import { bool, boolOrNull, num, numOrNull, str, strOrNull, type EventFields, toEventFields } from './normalise';
import { whereSearch } from './search';

type Q = Knex | Knex.Transaction;
type Raw = Record<string, unknown>;

/** A dossier row with the codes and names of its three units: numbers, booleans and strings as such. */
export interface DossierRow {
  id: number;
  code: string;
  procedure_version_id: number;
  procedure_code: string;
  procedure_version: number;
  procedure_name: string;
  receiving_unit_id: number;
  competent_unit_id: number;
  handling_unit_id: number | null;
  state: string;
  status: string;
  step_role: string | null;
  step_started_at: number | null;
  step_due_at: number | null;
  snapshot: string;
  version: number;
  channel: number;
  applicant_name: string;
  /** The applicant as stored (JSON); the presenter parses it. */
  applicant: string;
  note: string | null;
  received_at: number;
  start_at: number;
  due_at: number;
  paused_at: number | null;
  resolved_at: number | null;
  completed_at: number | null;
  on_time: boolean | null;
  late_marked: boolean;
  extended: boolean;
  supplement_count: number;
  updated_at: number;
  /** The citizen's private key for the electronic result (design.md §10); null only before migration 022. */
  access_key: string | null;
  /** The hash of the latest event (migration 031): what the next event chains to; null when not kept. */
  last_event_hash?: string | null;
  receiving_code: string;
  receiving_name: string;
  competent_code: string;
  competent_name: string;
  handling_code: string | null;
  handling_name: string | null;
}

/** The one place a dossier row from either driver becomes a {@link DossierRow}. */
export function toDossierRow(raw: Raw): DossierRow {
  return {
    id: num(raw.id),
    code: str(raw.code),
    procedure_version_id: num(raw.procedure_version_id),
    procedure_code: str(raw.procedure_code),
    procedure_version: num(raw.procedure_version),
    procedure_name: str(raw.procedure_name),
    receiving_unit_id: num(raw.receiving_unit_id),
    competent_unit_id: num(raw.competent_unit_id),
    handling_unit_id: numOrNull(raw.handling_unit_id),
    state: str(raw.state),
    status: str(raw.status),
    step_role: strOrNull(raw.step_role),
    step_started_at: numOrNull(raw.step_started_at),
    step_due_at: numOrNull(raw.step_due_at),
    snapshot: str(raw.snapshot),
    version: num(raw.version),
    channel: num(raw.channel),
    applicant_name: str(raw.applicant_name),
    applicant: str(raw.applicant),
    note: strOrNull(raw.note),
    received_at: num(raw.received_at),
    start_at: num(raw.start_at),
    due_at: num(raw.due_at),
    paused_at: numOrNull(raw.paused_at),
    resolved_at: numOrNull(raw.resolved_at),
    completed_at: numOrNull(raw.completed_at),
    on_time: boolOrNull(raw.on_time),
    late_marked: bool(raw.late_marked),
    extended: bool(raw.extended),
    supplement_count: num(raw.supplement_count),
    updated_at: num(raw.updated_at),
    access_key: strOrNull(raw.access_key),
    last_event_hash: strOrNull(raw.last_event_hash),
    receiving_code: str(raw.receiving_code),
    receiving_name: str(raw.receiving_name),
    competent_code: str(raw.competent_code),
    competent_name: str(raw.competent_name),
    handling_code: strOrNull(raw.handling_code),
    handling_name: strOrNull(raw.handling_name),
  };
}

export function dossierSelect(db: Q) {
  return db('dossiers as d')
    .join('units as ru', 'ru.id', 'd.receiving_unit_id')
    .join('units as cu', 'cu.id', 'd.competent_unit_id')
    .leftJoin('units as hu', 'hu.id', 'd.handling_unit_id')
    .select(
      'd.*',
      'ru.code as receiving_code',
      'ru.name as receiving_name',
      'cu.code as competent_code',
      'cu.name as competent_name',
      'hu.code as handling_code',
      'hu.name as handling_name',
    );
}

export async function findDossierByCode(db: Q, code: string): Promise<DossierRow | null> {
  const raw = await dossierSelect(db).where('d.code', code).first();
  return raw ? toDossierRow(raw) : null;
}

/** Dossiers by id, in no particular order (ids that do not exist are left out). */
export async function findDossiersByIds(db: Q, ids: readonly number[]): Promise<DossierRow[]> {
  if (!ids.length) return [];
  return (await dossierSelect(db).whereIn('d.id', [...ids])).map(toDossierRow);
}

export async function dossierUnitIds(db: Q, dossierId: number): Promise<number[]> {
  return (await db('dossier_units').where({ dossier_id: dossierId }).pluck('unit_id')).map(Number);
}

export async function addDossierUnit(db: Q, dossierId: number, unitId: number): Promise<void> {
  await db('dossier_units')
    .insert({ dossier_id: dossierId, unit_id: unitId })
    .onConflict(['dossier_id', 'unit_id'])
    .ignore();
}

/** A dossier event row (append-only history), numbers and booleans as such. */
export interface EventRow extends EventFields {
  id: number;
  dossier_id: number;
  step_due_at: number | null;
  on_time: boolean | null;
  dossier_version: number;
  /** Extra facts of the event as stored (JSON); callers parse it. */
  data: string | null;
  /** Done by a deputy for this leader (absence delegation, migration 027), null otherwise. */
  on_behalf_of: {
    userId: number;
    name: string;
    kind: string;
    /** "KT. Chủ tịch" */
    authority: string;
    /** The deputy's title: "Phó Chủ tịch". */
    title: string | null;
  } | null;
}

export function toEventRow(raw: Raw): EventRow {
  return {
    id: num(raw.id),
    dossier_id: num(raw.dossier_id),
    ...toEventFields(raw),
    step_due_at: numOrNull(raw.step_due_at),
    on_time: boolOrNull(raw.on_time),
    dossier_version: num(raw.dossier_version),
    data: strOrNull(raw.data),
    on_behalf_of:
      raw.on_behalf_of_user_id == null
        ? null
        : {
            userId: num(raw.on_behalf_of_user_id),
            name: str(raw.on_behalf_of_name),
            kind: str(raw.delegation_kind),
            authority: str(raw.delegation_authority),
            title: strOrNull(raw.delegate_title),
          },
  };
}

export async function listEvents(db: Q, dossierId: number): Promise<EventRow[]> {
  return (await db('dossier_events').where({ dossier_id: dossierId }).orderBy('id', 'asc')).map(toEventRow);
}

/** A line of a dossier's document checklist. */
export interface DocumentRow {
  dossier_id: number;
  code: string;
  name: string;
  required: boolean;
  received: boolean;
}

function toDocumentRow(raw: Raw): DocumentRow {
  return {
    dossier_id: num(raw.dossier_id),
    code: str(raw.code),
    name: str(raw.name),
    required: bool(raw.required),
    received: bool(raw.received),
  };
}

export async function documentsOf(db: Q, dossierId: number): Promise<DocumentRow[]> {
  return documentsOfMany(db, [dossierId]);
}

/** The checklists of several dossiers, in checklist order. */
export async function documentsOfMany(db: Q, dossierIds: readonly number[]): Promise<DocumentRow[]> {
  if (!dossierIds.length) return [];
  const rows = await db('dossier_documents')
    .whereIn('dossier_id', [...dossierIds])
    .orderBy('id')
    .select('dossier_id', 'code', 'name', 'required', 'received');
  return rows.map(toDocumentRow);
}

// ---------------------------------------------------------------- mail and public reads (layers refactor, issue 12)

/** What the mails of a dossier event need: names, the applicant JSON and the version's definition. */
export interface DossierMailFacts {
  procedure_name: string;
  applicant: string;
  unit_name: string;
  definition: string;
}

export async function dossierMailFacts(db: Q, code: string): Promise<DossierMailFacts | null> {
  const raw = await db('dossiers as d')
    .join('units as u', 'u.id', 'd.receiving_unit_id')
    .join('procedure_versions as pv', 'pv.id', 'd.procedure_version_id')
    .where('d.code', code)
    .first('d.procedure_name', 'd.applicant', 'u.name as unit_name', 'pv.definition');
  return raw ?? null;
}

/** The columns the public lookup may show (contract.md §2), timestamps as numbers. */
export interface PublicDossierRow {
  id: number;
  code: string;
  procedure_name: string;
  unit_name: string;
  status: string;
  received_at: number;
  due_at: number;
  completed_at: number | null;
  applicant_name: string;
}

export async function findPublicDossier(db: Q, code: string): Promise<PublicDossierRow | null> {
  const raw = await db('dossiers as d')
    .join('units as u', 'u.id', 'd.receiving_unit_id')
    .where('d.code', code)
    .first(
      'd.id',
      'd.code',
      'd.procedure_name',
      'u.name as unit_name',
      'd.status',
      'd.received_at',
      'd.due_at',
      'd.completed_at',
      'd.applicant_name',
    );
  if (!raw) return null;
  return {
    ...raw,
    id: num(raw.id),
    received_at: num(raw.received_at),
    due_at: num(raw.due_at),
    completed_at: numOrNull(raw.completed_at),
  };
}

/** The states a dossier passed through and when, oldest first. */
export async function stateChangesOf(db: Q, dossierId: number): Promise<Array<{ to_state: string; at: number }>> {
  const rows = await db('dossier_events').where({ dossier_id: dossierId }).orderBy('id').select('to_state', 'at');
  return rows.map((r) => ({ to_state: str(r.to_state), at: num(r.at) }));
}

/** The event this actor sent to reach `version` of the dossier, if any (a double-submitted form). */
export async function findOwnEvent(db: Q, code: string, version: number, actorId: number, type: string) {
  return (
    (await db('dossier_events as e')
      .join('dossiers as d', 'd.id', 'e.dossier_id')
      .where({ 'd.code': code, 'e.dossier_version': version, 'e.actor_id': actorId, 'e.type': type })
      .first('e.id')) ?? null
  );
}

// ---------------------------------------------------------------- lists, visibility and intake (issue 12)

/** A narrowing of `dossiers as d` decided elsewhere (the dossier policy's visibility, "my work"). */
export type DossierScope = (qb: Knex.QueryBuilder) => void;

/**
 * The dossiers a user of `unitId` may see when the units in `receivingUnitIds` are theirs (their unit
 * and those below it): received there, or handled by their unit at some step. The policy decides who;
 * this writes it in SQL.
 */
export function dossiersSeenBy(receivingUnitIds: readonly number[], unitId: number): DossierScope {
  return (qb) =>
    void qb.where((w) =>
      w
        .whereIn('d.receiving_unit_id', [...receivingUnitIds])
        .orWhereExists((s) =>
          s
            .select('du.dossier_id')
            .from('dossier_units as du')
            .whereRaw('du.dossier_id = d.id')
            .andWhere('du.unit_id', unitId),
        ),
    );
}

/** What a dossier list asks for (contract.md §2 filters). */
export interface DossierListFilter {
  scopes: DossierScope[];
  status?: string;
  procedureCode?: string;
  /** Only dossiers overdue at this moment. */
  overdueAt?: number;
  /** Code and applicant name, ignoring case and diacritics (queries/search.ts). */
  q?: string;
  /** `step_due`: most urgent step first; `newest`: latest received first. */
  order: 'step_due' | 'newest';
  offset: number;
  limit: number;
}

/** One page of dossiers and the total matching the filter. */
export async function dossierPage(db: Q, f: DossierListFilter): Promise<{ rows: DossierRow[]; total: number }> {
  const filter = (qb: Knex.QueryBuilder) => {
    for (const scope of f.scopes) scope(qb);
    if (f.status) qb.where('d.status', f.status);
    if (f.procedureCode) qb.where('d.procedure_code', f.procedureCode);
    if (f.overdueAt !== undefined) {
      const now = f.overdueAt;
      // workflows/clock's isOverdue at `now`, in SQL (a test holds the two together).
      qb.where((w) =>
        w
          .where((a) => a.where('d.status', 'processing').andWhere('d.due_at', '<', now))
          .orWhere((b) => b.where('d.status', 'waiting_supplement').andWhereRaw('d.paused_at > d.due_at')),
      );
    }
    if (f.q) whereSearch(qb, 'd.search_text', f.q);
  };
  const [{ n }] = await db('dossiers as d').modify(filter).count<{ n: number }[]>({ n: '*' });
  // Deferred join: find the page's ids on the narrow index first, then read just those wide rows
  // (sorting a million full rows to return twenty was the slow part at scale).
  const ids = (
    await db('dossiers as d')
      .modify(filter)
      .modify((qb) =>
        f.order === 'step_due'
          ? qb.orderBy([
              { column: 'd.step_due_at', order: 'asc' },
              { column: 'd.id', order: 'asc' },
            ])
          : qb.orderBy('d.id', 'desc'),
      )
      .offset(f.offset)
      .limit(f.limit)
      .pluck('d.id')
  ).map(Number);
  const byId = new Map((await findDossiersByIds(db, ids)).map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is DossierRow => !!r);
  return { rows, total: num(n) };
}

/** The columns of a new dossier row (intake). */
export type NewDossier = Omit<
  DossierRow,
  | 'id'
  | 'paused_at'
  | 'resolved_at'
  | 'completed_at'
  | 'on_time'
  | 'late_marked'
  | 'extended'
  | 'supplement_count'
  | 'receiving_code'
  | 'receiving_name'
  | 'competent_code'
  | 'competent_name'
  | 'handling_code'
  | 'handling_name'
> & { search_text: string; created_by: number; applicant_type?: number };

/** Insert a dossier; its id. */
export async function insertDossier(trx: Q, row: NewDossier): Promise<number> {
  const [id] = await trx('dossiers').insert(row);
  return num(id);
}

/** The checklist of a new dossier. */
export async function insertDossierDocuments(
  trx: Q,
  docs: Array<{ dossier_id: number; code: string; name: string; required: boolean; received: boolean }>,
): Promise<void> {
  if (docs.length) await trx('dossier_documents').insert(docs);
}

/** Lock a dossier row (MySQL `FOR UPDATE`) for work that must see its current state (a consultation, a portal header). */
export async function lockDossierRow(trx: Knex.Transaction, id: number): Promise<void> {
  await forUpdate(trx, trx('dossiers').where({ id })).first('id');
}
