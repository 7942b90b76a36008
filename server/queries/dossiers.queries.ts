import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** A dossier row with the codes and names of its three units. */
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
  applicant: string;
  note: string | null;
  received_at: number;
  start_at: number;
  due_at: number;
  paused_at: number | null;
  resolved_at: number | null;
  completed_at: number | null;
  on_time: number | boolean | null;
  late_marked: number | boolean;
  extended: number | boolean;
  supplement_count: number;
  updated_at: number;
  receiving_code: string;
  receiving_name: string;
  competent_code: string;
  competent_name: string;
  handling_code: string | null;
  handling_name: string | null;
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
  return ((await dossierSelect(db).where('d.code', code).first()) as DossierRow | undefined) ?? null;
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

export interface EventRow {
  type: string;
  from_state: string | null;
  to_state: string;
  actor_username: string | null;
  actor_name: string | null;
  actor_unit_code: string | null;
  comment: string | null;
  at: number;
  step_due_at: number | null;
  on_time: number | boolean | null;
  data: string | null;
}

export async function listEvents(db: Q, dossierId: number): Promise<EventRow[]> {
  return db('dossier_events').where({ dossier_id: dossierId }).orderBy('id', 'asc');
}

export async function documentsOf(db: Q, dossierId: number) {
  return db('dossier_documents')
    .where({ dossier_id: dossierId })
    .orderBy('id')
    .select('code', 'name', 'required', 'received');
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
    id: Number(raw.id),
    received_at: Number(raw.received_at),
    due_at: Number(raw.due_at),
    completed_at: raw.completed_at == null ? null : Number(raw.completed_at),
  };
}

/** The states a dossier passed through and when, oldest first. */
export async function stateChangesOf(db: Q, dossierId: number): Promise<Array<{ to_state: string; at: number }>> {
  const rows = await db('dossier_events').where({ dossier_id: dossierId }).orderBy('id').select('to_state', 'at');
  return rows.map((r) => ({ to_state: String(r.to_state), at: Number(r.at) }));
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
