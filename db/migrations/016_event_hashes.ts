import type { Knex } from 'knex';

// Each event row carries a SHA-256 chained to the previous event of the same dossier (or dispatch
// stream), so any edit of the history is detectable by `npm run audit:verify`.
export async function up(knex: Knex): Promise<void> {
  // Guarded: MySQL commits each DDL statement, so a killed start must be able to rerun this.
  if (!(await knex.schema.hasColumn('dossier_events', 'hash'))) {
    await knex.schema.alterTable('dossier_events', (t) => {
      t.string('hash', 64).nullable();
    });
  }
  if (!(await knex.schema.hasColumn('dispatch_events', 'hash'))) {
    await knex.schema.alterTable('dispatch_events', (t) => {
      t.string('hash', 64).nullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_events', (t) => {
    t.dropColumn('hash');
  });
  await knex.schema.alterTable('dispatch_events', (t) => {
    t.dropColumn('hash');
  });
}
