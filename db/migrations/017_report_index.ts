import type { Knex } from 'knex';

// A narrow covering index for the reports (design.md §8): every figure is computed from these
// columns, so the province-year summary reads the index instead of the wide rows.
export async function up(knex: Knex): Promise<void> {
  try {
    await knex.schema.alterTable('dossiers', (t) => {
      t.index(
        [
          'receiving_unit_id',
          'received_at',
          'resolved_at',
          'completed_at',
          'status',
          'on_time',
          'due_at',
          'paused_at',
          'channel',
        ],
        'dossiers_report_idx',
      );
    });
  } catch (err) {
    // Rerun after a start killed between creating the index and recording the migration.
    if (!/Duplicate key name|already exists/i.test(String((err as Error).message))) throw err;
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropIndex([], 'dossiers_report_idx');
  });
}
