import crypto from 'node:crypto';
import type { Db } from '../db';
import { isDuplicate, withTransaction } from '../db';
import { Conflict, Invalid, NotFound } from '../errors';
import * as q from '../queries/catalog-imports.queries';
import {
  findHeader,
  planRow,
  readRows,
  type BadRow,
  type CatalogRow,
  type FieldChange,
  type RowPlan,
} from '../../workflows/procedure/catalog-row';
import type { ProcedureStep } from '../../workflows/procedure';
import { readSheet } from './catalog-file';

/**
 * Importing procedures from an export of the national procedure catalogue (issue 16), in two steps:
 * `previewImport` reads the file, plans every row against the catalogue and keeps the plan under a
 * random token (nothing else is written); `confirmImport` imports every good row of that plan in one
 * transaction, once. The confirm re-plans against the catalogue as it is then, and refuses if a
 * procedure of the file got a version since the preview: the admin imports what was shown, or nothing.
 */

/** A preview not confirmed within a day is forgotten (the admin uploads the file again). */
export const IMPORT_TTL_MS = 24 * 60 * 60 * 1000;

/** A good row as kept for the confirm: the row and the version it was planned on (0: a new code). */
interface Planned {
  row: CatalogRow;
  base: number;
}
interface Payload {
  kind: 'csv' | 'xlsx';
  rows: Planned[];
  unchanged: number;
  bad: BadRow[];
}

/** What the import ended with (kept on the import row, shown on its result page). */
export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  bad: BadRow[];
}

export interface ImportPreview {
  /** Null when the file has nothing to import (every row unchanged or bad): nothing was kept. */
  token: string | null;
  fileName: string;
  fileHash: string;
  kind: 'csv' | 'xlsx';
  created: Array<{ line: number; code: string; name: string; totalDays: number; steps: ProcedureStep[] }>;
  updated: Array<{ line: number; code: string; name: string; version: number; changes: FieldChange[] }>;
  unchanged: Array<{ line: number; code: string; name: string }>;
  bad: BadRow[];
}

/**
 * Reads an uploaded catalogue file and plans each row; keeps the plan for {@link confirmImport}.
 * @throws Invalid (422) for a file that is not a readable CSV/XLSX export, with what to do about it
 */
export async function previewImport(
  db: Db,
  file: { name: string; buffer: Buffer },
  userId: number,
): Promise<ImportPreview> {
  const sheet = await readSheet(file.buffer);
  if (!sheet.ok) throw new Invalid(sheet.error, { fields: { files: sheet.error } });
  const header = findHeader(sheet.rows);
  if (!header.ok) throw new Invalid(header.error, { fields: { files: header.error } });
  const read = readRows(sheet.rows, header);
  if (!read.rows.length && !read.bad.length) {
    const msg = 'Tệp chỉ có dòng tiêu đề, không có thủ tục nào để nhập.';
    throw new Invalid(msg, { fields: { files: msg } });
  }
  const latest = await q.latestByCodes(
    db,
    read.rows.map((r) => r.code),
  );
  const preview: ImportPreview = {
    token: null,
    fileName: file.name,
    fileHash: crypto.createHash('sha256').update(file.buffer).digest('hex'),
    kind: sheet.kind,
    created: [],
    updated: [],
    unchanged: [],
    bad: [...read.bad],
  };
  const planned: Planned[] = [];
  for (const row of read.rows) {
    const current = latest.get(row.code);
    const plan = planRow(row, current?.definition ?? null, current?.version);
    if (plan.kind === 'bad') preview.bad.push({ line: row.line, code: row.code, reason: plan.reason });
    else if (plan.kind === 'unchanged') preview.unchanged.push({ line: row.line, code: row.code, name: row.name });
    else {
      planned.push({ row, base: current?.version ?? 0 });
      if (plan.kind === 'new') preview.created.push({ ...row, steps: plan.definition.steps });
      else
        preview.updated.push({
          line: row.line,
          code: row.code,
          name: row.name,
          version: current!.version + 1,
          changes: plan.changes,
        });
    }
  }
  preview.bad.sort((a, b) => a.line - b.line);
  const now = Date.now();
  await q.deletePendingBefore(db, now - IMPORT_TTL_MS);
  if (planned.length) {
    const payload: Payload = { kind: sheet.kind, rows: planned, unchanged: preview.unchanged.length, bad: preview.bad };
    preview.token = crypto.randomBytes(24).toString('base64url');
    await q.insertImport(db, {
      token: preview.token,
      userId,
      fileName: file.name.slice(0, 255),
      fileHash: preview.fileHash,
      payload: JSON.stringify(payload),
      now,
    });
  }
  return preview;
}

/**
 * Imports every good row of a kept preview in one transaction: new codes get version 1, changed ones
 * their next version. Runs once: a second confirm of the same preview imports nothing and answers the
 * first one's import. Nothing is written if anything fails, or if a procedure of the file changed
 * since the preview (409: preview again).
 * @returns the import's id (its result page) and whether this call did the import
 */
export async function confirmImport(
  db: Db,
  input: { token: string; fileHash: string },
  userId: number,
): Promise<{ id: number; imported: boolean; result: ImportResult }> {
  try {
    return await confirmOnce(db, input, userId);
  } catch (err) {
    // A new code of the file added by someone else between our lock and our insert (SQLite serialises this).
    if (isDuplicate(err))
      throw new Conflict('Danh mục đã thay đổi trong khi nhập. Chưa nhập gì; hãy tải tệp lên lại để xem trước.');
    throw err;
  }
}

async function confirmOnce(
  db: Db,
  input: { token: string; fileHash: string },
  userId: number,
): Promise<{ id: number; imported: boolean; result: ImportResult }> {
  return withTransaction(db, async (trx) => {
    const imp = await q.lockImportByToken(trx, input.token);
    if (!imp || imp.userId !== userId || imp.fileHash !== input.fileHash)
      throw new NotFound('Không tìm thấy bản xem trước này (đã hết hạn hoặc không phải của bạn). Hãy tải tệp lên lại.');
    if (imp.status === 'done') return { id: imp.id, imported: false, result: JSON.parse(imp.result!) as ImportResult };
    const now = Date.now();
    if (imp.createdAt < now - IMPORT_TTL_MS)
      throw new Invalid('Bản xem trước đã quá 24 giờ. Hãy tải tệp lên lại để xem trước và nhập.');
    const payload = JSON.parse(imp.payload) as Payload;
    const latest = await q.latestByCodes(
      trx,
      payload.rows.map((p) => p.row.code),
      true,
    );
    const stale = payload.rows.filter((p) => (latest.get(p.row.code)?.version ?? 0) !== p.base).map((p) => p.row.code);
    if (stale.length)
      throw new Conflict(
        `Danh mục đã thay đổi sau khi xem trước (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? '…' : ''} ` +
          'đã có phiên bản mới). Chưa nhập gì; hãy tải tệp lên lại để xem trước.',
      );
    const plans = payload.rows.map((p) => {
      const current = latest.get(p.row.code);
      return { row: p.row, current, plan: planRow(p.row, current?.definition ?? null, current?.version) };
    });
    type Good = Extract<RowPlan, { kind: 'new' | 'changed' }>;
    const good = plans.filter(
      (p): p is typeof p & { plan: Good } => p.plan.kind === 'new' || p.plan.kind === 'changed',
    );
    // Same catalogue, same rows: the plan cannot differ from the preview's (a guard, not a path).
    if (good.length !== plans.length) throw new Conflict();
    const created = good.filter((p) => !p.current);
    const updated = good.filter((p) => p.current);
    const ids = await q.insertProcedures(
      trx,
      created.map((p) => ({ code: p.row.code, name: p.plan.definition.name })),
      now,
    );
    await q.insertVersions(
      trx,
      [
        ...created.map((p) => ({ procedureId: ids.get(p.row.code)!, version: 1, definition: p.plan.definition })),
        ...updated.map((p) => ({
          procedureId: p.current!.id,
          version: p.current!.version + 1,
          definition: p.plan.definition,
        })),
      ],
      userId,
      now,
    );
    await q.setLatestVersions(
      trx,
      updated.map((p) => ({ id: p.current!.id, version: p.current!.version + 1, name: p.plan.definition.name })),
      now,
    );
    const result: ImportResult = {
      created: created.length,
      updated: updated.length,
      unchanged: payload.unchanged,
      bad: payload.bad,
    };
    await q.markImportDone(trx, imp.id, JSON.stringify(result), now);
    return { id: imp.id, imported: true, result };
  });
}

/** A confirmed import's result (its page), for any admin. */
export async function importResult(
  db: Db,
  id: number,
): Promise<{ id: number; fileName: string; fileHash: string; confirmedAt: number; result: ImportResult }> {
  const imp = await q.findImport(db, id);
  if (!imp || imp.status !== 'done' || !imp.result) throw new NotFound('Không tìm thấy lần nhập thủ tục này.');
  return {
    id: imp.id,
    fileName: imp.fileName,
    fileHash: imp.fileHash,
    confirmedAt: imp.confirmedAt ?? imp.createdAt,
    result: JSON.parse(imp.result) as ImportResult,
  };
}
