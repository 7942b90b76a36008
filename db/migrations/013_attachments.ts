import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('attachments')))
    await knex.schema.createTable('attachments', (t) => {
      t.increments('id').primary();
      t.integer('dossier_id').unsigned().notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
      t.string('document_code', 64).nullable();
      t.string('filename', 255).notNullable();
      t.string('mime', 100).notNullable();
      t.integer('size').notNullable();
      t.string('sha256', 64).notNullable();
      t.integer('uploaded_by').unsigned().nullable();
      t.bigInteger('created_at').notNullable();
      t.index(['dossier_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attachments');
}
