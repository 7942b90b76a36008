import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('login_failures')))
    await knex.schema.createTable('login_failures', (t) => {
      t.increments('id').primary();
      t.string('username', 64).notNullable();
      t.string('ip', 64).notNullable();
      t.bigInteger('at').notNullable();
      t.index(['username', 'at']);
      t.index(['ip', 'at']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_failures');
}
