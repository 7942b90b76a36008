import type { Knex } from 'knex';

// The hash of a dossier's latest event, kept on the dossier row by the engine in the same UPDATE
// that changes its state (issue 17): the next event chains to it without reading the event log.
// Backfilled from the log; NULL means "not kept" (a row loaded by hand), and the chain is then read
// from the log as before. `npm run audit:verify` checks it against the log's last event.
export async function up(knex: Knex): Promise<void> {
  // Guarded: MySQL commits each DDL statement, so a killed start must be able to rerun this.
  if (!(await knex.schema.hasColumn('dossiers', 'last_event_hash')))
    await knex.schema.alterTable('dossiers', (t) => {
      t.string('last_event_hash', 64).nullable();
    });
  // One statement on both engines; the (dossier_id, id) index of dossier_events serves the subquery.
  await knex.raw(
    `UPDATE dossiers SET last_event_hash = (
       SELECT e.hash FROM dossier_events e WHERE e.dossier_id = dossiers.id ORDER BY e.id DESC LIMIT 1
     ) WHERE last_event_hash IS NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('dossiers', 'last_event_hash'))
    await knex.schema.alterTable('dossiers', (t) => {
      t.dropColumn('last_event_hash');
    });
}
