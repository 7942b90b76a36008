import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('code_sequences', (t) => {
    t.string('scope', 128).primary();
    t.integer('last_value').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('code_sequences');
}
