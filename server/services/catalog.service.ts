import type { Knex } from 'knex';
import type { Db } from '../db';
import { isDuplicate, withTransaction } from '../db';
import { Invalid, NotFound } from '../errors';
import * as procedures from '../queries/procedures.queries';
import { findUnitByCode } from '../queries/units.queries';
import {
  buildDossierMachine,
  DossierMachine,
  ProcedureDefinition,
  UNIT_COMPETENT,
  UNIT_PARENT,
  validateDefinition,
} from '../../workflows/procedure';

/**
 * Post a definition: validate it (422 naming every fault), then store it as the next version of its
 * code. Dossiers already received keep the version they started with.
 */
export async function createVersion(
  db: Db,
  input: unknown,
  userId: number | null,
): Promise<{ code: string; version: number }> {
  const result = validateDefinition(input);
  if (!result.ok) {
    const fields = Object.fromEntries(result.errors.map((e) => [e.path || '_', e.message]));
    throw new Invalid('Quy trình không hợp lệ: ' + result.errors.map((e) => e.message).join('; '), {
      fields,
      errors: result.errors,
    });
  }
  const def = result.definition;
  for (const [i, step] of def.steps.entries()) {
    if (
      step.unit &&
      step.unit !== UNIT_COMPETENT &&
      step.unit !== UNIT_PARENT &&
      !(await findUnitByCode(db, step.unit))
    ) {
      const message = `Bước "${step.code}" giao cho đơn vị "${step.unit}" không tồn tại`;
      throw new Invalid(message + '.', { fields: { [`steps.${i}.unit`]: message } });
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, (trx) => storeVersion(trx, def, userId));
    } catch (err) {
      // Two first versions of one code at once: the loser retries and becomes version 2.
      if (attempt < 2 && isDuplicate(err)) continue;
      throw err;
    }
  }
}

async function storeVersion(trx: Knex.Transaction, def: ProcedureDefinition, userId: number | null) {
  const now = Date.now();
  const existing = await procedures.lockProcedureByCode(trx, def.code);
  const procedureId = existing
    ? existing.id
    : await procedures.insertProcedure(trx, { code: def.code, name: def.name, now });
  const version = existing ? existing.latestVersion + 1 : 1;
  await procedures.insertProcedureVersion(trx, { procedureId, version, definition: def, createdBy: userId, now });
  await procedures.setLatestVersion(trx, procedureId, { version, name: def.name, now });
  return { code: def.code, version };
}

export async function getVersion(db: Db, code: string, version?: number): Promise<procedures.ProcedureVersion> {
  const v = await procedures.findVersion(db, code, version);
  if (!v)
    throw new NotFound(
      version ? `Không tìm thấy phiên bản ${version} của thủ tục ${code}.` : `Không tìm thấy thủ tục ${code}.`,
    );
  return v;
}

// Versions never change once stored, so compiled machines can be kept for the life of the process.
// Keyed by database too: tests run several databases in one process, each with its own ids.
const compiledByDb = new WeakMap<Db, Map<number, { def: ProcedureDefinition; machine: DossierMachine }>>();

/** The definition and compiled machine of a stored version (compiled once per process). */
export async function compiledVersion(
  db: Db,
  versionId: number,
): Promise<{ def: ProcedureDefinition; machine: DossierMachine }> {
  let machines = compiledByDb.get(db);
  if (!machines) compiledByDb.set(db, (machines = new Map()));
  let hit = machines.get(versionId);
  if (!hit) {
    const v = await procedures.findVersionById(db, versionId);
    if (!v) throw new NotFound('Không tìm thấy phiên bản thủ tục.');
    hit = { def: v.definition, machine: buildDossierMachine(v.definition) };
    machines.set(versionId, hit);
  }
  return hit;
}
