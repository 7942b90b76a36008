import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('app_settings')))
    await knex.schema.createTable('app_settings', (t) => {
      t.string('key', 64).primary();
      t.text('value').notNullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('app_settings');
}
