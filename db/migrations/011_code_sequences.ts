import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('code_sequences')))
    await knex.schema.createTable('code_sequences', (t) => {
      t.string('scope', 128).primary();
      t.integer('last_value').notNullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('code_sequences');
}
