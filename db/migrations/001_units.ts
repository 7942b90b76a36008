import type { Knex } from 'knex';

// Times are stored as epoch milliseconds (bigint) on both engines: no driver time-zone surprises.
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('units')))
    await knex.schema.createTable('units', (t) => {
      t.increments('id').primary();
      t.string('code', 64).notNullable().unique();
      t.string('name', 255).notNullable();
      t.string('level', 16).notNullable();
      t.integer('parent_id').unsigned().nullable().references('id').inTable('units');
      t.string('symbol', 32).nullable();
      t.boolean('active').notNullable().defaultTo(true);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['parent_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('units');
}
