import type { Knex } from 'knex';

// Units merge (design.md §13): a merged unit stays (finished dossiers keep the names they were received
// under) but is inactive and names its successor; `unit_merges` keeps what each merge moved.
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('units', 'merged_into_id')))
    await knex.schema.alterTable('units', (t) => {
      t.integer('merged_into_id').unsigned().nullable().references('id').inTable('units');
    });
  if (!(await knex.schema.hasColumn('units', 'merged_at')))
    await knex.schema.alterTable('units', (t) => {
      t.bigInteger('merged_at').nullable();
    });
  if (!(await knex.schema.hasTable('unit_merges')))
    await knex.schema.createTable('unit_merges', (t) => {
      t.increments('id').primary();
      t.integer('from_unit_id').unsigned().notNullable().references('id').inTable('units');
      t.integer('into_unit_id').unsigned().notNullable().references('id').inTable('units');
      t.integer('actor_id').unsigned().nullable();
      t.text('moved').notNullable();
      t.bigInteger('merged_at').notNullable();
      t.unique(['from_unit_id']);
      t.index(['into_unit_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('unit_merges');
  await knex.schema.alterTable('units', (t) => {
    t.dropForeign(['merged_into_id']);
    t.dropColumn('merged_into_id');
    t.dropColumn('merged_at');
  });
}
