import crypto from 'node:crypto';
import type { Knex } from 'knex';

// The result of a dossier (design.md §10): its current PDF, signatures and number, and the
// citizen's private key for the electronic result. Guarded: MySQL commits each DDL statement.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('dossier_results')))
    await knex.schema.createTable('dossier_results', (t) => {
      t.increments('id').primary();
      t.integer('dossier_id').unsigned().notNullable().unique().references('id').inTable('dossiers');
      t.string('name', 500).notNullable();
      t.string('kind', 20).notNullable();
      // The current PDF (a blob under DATA_DIR/files by hash), and how the draft was made.
      t.string('sha256', 64).notNullable().index();
      t.integer('size').notNullable();
      t.string('source', 20).notNullable();
      // The leader-signed revision: the QR on the numbered result leads to /xac-thuc/<this hash>.
      t.string('signed_sha256', 64).nullable().index();
      t.integer('issuing_unit_id').unsigned().nullable().references('id').inTable('units');
      t.integer('number_year').nullable();
      t.integer('number_seq').nullable();
      t.string('number', 100).nullable();
      t.bigInteger('numbered_at').nullable();
      // [{signer, title, unitName, at, role: 'leader'|'seal', demo}]
      t.text('signatures').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['issuing_unit_id', 'number_year', 'number_seq']);
    });
  if (!(await knex.schema.hasColumn('dossiers', 'access_key'))) {
    await knex.schema.alterTable('dossiers', (t) => {
      t.string('access_key', 40).nullable();
    });
    // Dossiers received before results existed get their key now (form 01 reprints carry it).
    const ids: Array<{ id: number }> = await knex('dossiers').whereNull('access_key').select('id');
    for (const { id } of ids)
      await knex('dossiers')
        .where({ id })
        .update({ access_key: crypto.randomBytes(10).toString('hex') });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dossier_results');
  await knex.schema.alterTable('dossiers', (t) => {
    t.dropColumn('access_key');
  });
}
