import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('calendar_days')))
    await knex.schema.createTable('calendar_days', (t) => {
      t.string('date', 10).primary();
      t.string('kind', 16).notNullable();
      t.string('name', 255).nullable();
      t.bigInteger('updated_at').notNullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_days');
}
