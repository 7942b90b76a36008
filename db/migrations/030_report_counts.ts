import type { Knex } from 'knex';

// Report figures kept as additive counts (design.md §8, §9): per local day ('d') and per local month
// ('m'), receiving unit and procedure. The engine adds each event's change in the event's own
// transaction; a start-up on a database that had dossiers before this table fills it once, and
// `npm run reports:check` rebuilds and compares (workflows/reports/counts.ts has the rules).
// The four time indexes find the dossiers whose figures change within one day (the partial day of a
// report judged at "now").
const TIME_INDEXES = ['received_at', 'resolved_at', 'completed_at', 'due_at'];

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('report_counts')))
    await knex.schema.createTable('report_counts', (t) => {
      t.integer('unit_id').unsigned().notNullable();
      t.string('grain', 1).notNullable();
      t.integer('period').notNullable();
      t.string('procedure_code', 64).notNullable();
      for (const c of ['received', 'received_1', 'received_2', 'received_3', 'resolved', 'ontime', 'late'])
        t.integer(c).notNullable().defaultTo(0);
      // Net starts minus ends of "in progress" and "overdue" on that day or month (may be negative).
      t.integer('progress').notNullable().defaultTo(0);
      t.integer('overdue').notNullable().defaultTo(0);
      t.primary(['unit_id', 'grain', 'period', 'procedure_code']);
    });
  for (const col of TIME_INDEXES) {
    try {
      await knex.schema.alterTable('dossiers', (t) => t.index([col], `dossiers_${col}_idx`));
    } catch (err) {
      // Rerun after a start killed between creating an index and recording the migration.
      if (!/Duplicate key name|already exists/i.test(String((err as Error).message))) throw err;
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const col of TIME_INDEXES)
    await knex.schema.alterTable('dossiers', (t) => t.dropIndex([col], `dossiers_${col}_idx`));
  await knex.schema.dropTableIfExists('report_counts');
}
