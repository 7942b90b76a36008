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
