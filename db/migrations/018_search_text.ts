import type { Knex } from 'knex';

// A folded search column (lower case, no diacritics, đ → d) on dossiers (code + applicant name),
// users (username + full name) and units (code + name): `q` becomes `search_text LIKE %fold(q)%`,
// which ignores case and Vietnamese diacritics alike on SQLite and MySQL (contract.md §2).
// Writes keep it current through server/queries/. Guarded and resumable: MySQL commits each DDL
// statement, and the backfill only fills rows still NULL, so a killed start can rerun it.

// A copy of workflows/text.ts `fold` as of this migration: migrations never import app code (a
// later change to the app's fold must not change what this migration did). Change both together.
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

const TABLES: Array<{ table: string; parts: [string, string]; index: boolean }> = [
  // Dossier lists are large: a narrow index lets MySQL and SQLite scan it instead of the wide rows.
  { table: 'dossiers', parts: ['code', 'applicant_name'], index: true },
  // Users and units are a few thousand rows at most: no index.
  { table: 'users', parts: ['username', 'full_name'], index: false },
  { table: 'units', parts: ['code', 'name'], index: false },
];

const BATCH = 500;

async function backfill(knex: Knex, table: string, [a, b]: [string, string]): Promise<void> {
  for (;;) {
    const rows = (await knex(table).whereNull('search_text').orderBy('id').limit(BATCH).select('id', a, b)) as Array<
      Record<string, string | number | null>
    >;
    if (rows.length === 0) return;
    // One UPDATE … CASE per batch: a million dossiers in two thousand statements, not a million.
    const cases = rows.map(() => 'WHEN ? THEN ?').join(' ');
    const bindings = rows.flatMap((r) => [r.id, fold([r[a], r[b]].filter((p) => p != null && p !== '').join(' '))]);
    await knex.raw(`UPDATE ?? SET search_text = CASE id ${cases} END WHERE id IN (${rows.map(() => '?').join(',')})`, [
      table,
      ...bindings,
      ...rows.map((r) => r.id),
    ]);
  }
}

export async function up(knex: Knex): Promise<void> {
  for (const { table, parts, index } of TABLES) {
    if (!(await knex.schema.hasColumn(table, 'search_text')))
      await knex.schema.alterTable(table, (t) => {
        t.string('search_text', 400).nullable();
      });
    await backfill(knex, table, parts);
    if (index) {
      try {
        await knex.schema.alterTable(table, (t) => {
          t.index(['search_text'], `${table}_search_text_idx`);
        });
      } catch (err) {
        if (!/Duplicate key name|already exists/i.test(String((err as Error).message))) throw err;
      }
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { table, index } of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      if (index) t.dropIndex(['search_text'], `${table}_search_text_idx`);
      t.dropColumn('search_text');
    });
  }
}
