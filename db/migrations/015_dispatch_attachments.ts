import type { Knex } from 'knex';

// Files sent with a dispatch (the draft for comments and annexes), stored by content hash like dossier attachments.
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('dispatch_attachments')))
    await knex.schema.createTable('dispatch_attachments', (t) => {
      t.increments('id').primary();
      t.integer('dispatch_id').unsigned().notNullable().references('id').inTable('dispatches').onDelete('CASCADE');
      t.string('filename', 255).notNullable();
      t.string('mime', 100).notNullable();
      t.integer('size').notNullable();
      t.string('sha256', 64).notNullable();
      t.integer('uploaded_by').unsigned().nullable();
      t.bigInteger('created_at').notNullable();
      t.index(['dispatch_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dispatch_attachments');
}
