import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('sessions')))
    await knex.schema.createTable('sessions', (t) => {
      t.string('sid', 128).primary();
      t.integer('user_id').unsigned().nullable();
      t.text('data').notNullable();
      t.bigInteger('expires_at').notNullable();
      t.index(['user_id']);
      t.index(['expires_at']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
