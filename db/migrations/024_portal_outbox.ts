import type { Knex } from 'knex';

// The national-portal outbox (design.md §12, contract.md §4): one row per message to the portal,
// written in the transaction of the dossier change it mirrors. Delivered per dossier in `id` order,
// one at a time: a row is sent only when every earlier row of its dossier was accepted. `status`:
// pending (waiting, or retrying with back-off), sent (the portal accepted it), failed (never sent:
// the data is one the portal would reject, or an admin stopped it; it holds its dossier's queue).
// `national_status` and `due_at` are the header's TrangThaiHoSo and NgayHenTra, for reconciliation.
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('portal_outbox')))
    await knex.schema.createTable('portal_outbox', (t) => {
      t.bigIncrements('id').primary();
      t.integer('dossier_id').unsigned().notNullable().references('id').inTable('dossiers');
      t.string('dossier_code', 64).notNullable();
      t.string('service', 32).notNullable();
      t.tinyint('national_status').nullable();
      t.bigInteger('due_at').nullable();
      t.text('payload', 'mediumtext').notNullable();
      t.string('status', 16).notNullable().defaultTo('pending');
      t.integer('attempts').notNullable().defaultTo(0);
      t.bigInteger('available_at').notNullable();
      t.string('locked_by', 64).nullable();
      t.bigInteger('locked_until').nullable();
      t.boolean('is_updating').nullable();
      t.text('last_error').nullable();
      t.text('response').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('sent_at').nullable();
      t.index(['status', 'available_at'], 'portal_outbox_due_idx');
      t.index(['dossier_id', 'id'], 'portal_outbox_dossier_idx');
      t.index(['sent_at'], 'portal_outbox_sent_idx');
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('portal_outbox');
}
