import type { Knex } from 'knex';

/*
 * Consultations inside a dossier (design.md §11): a dispatch may be linked to the dossier it consults
 * for, and each reply remembers when the handling unit was told it was missing at the due date (the
 * alert is sent once: claimed by a conditional update of `alerted_at`).
 * Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
 */
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('dispatches', 'dossier_id')))
    await knex.schema.alterTable('dispatches', (t) => {
      t.integer('dossier_id').unsigned().nullable();
    });
  try {
    await knex.schema.alterTable('dispatches', (t) => {
      t.index(['dossier_id'], 'dispatches_dossier_idx');
    });
  } catch (err) {
    // Rerun after a start killed between creating the index and recording the migration.
    if (!/Duplicate key name|already exists/i.test(String((err as Error).message))) throw err;
  }
  if (!(await knex.schema.hasColumn('dispatch_replies', 'alerted_at')))
    await knex.schema.alterTable('dispatch_replies', (t) => {
      t.bigInteger('alerted_at').nullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dispatch_replies', (t) => {
    t.dropColumn('alerted_at');
  });
  await knex.schema.alterTable('dispatches', (t) => {
    t.dropIndex([], 'dispatches_dossier_idx');
  });
  await knex.schema.alterTable('dispatches', (t) => {
    t.dropColumn('dossier_id');
  });
}
