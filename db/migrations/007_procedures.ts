import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('procedures')))
    await knex.schema.createTable('procedures', (t) => {
      t.increments('id').primary();
      t.string('code', 64).notNullable().unique();
      t.string('name', 500).notNullable();
      t.integer('latest_version').notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });
  if (!(await knex.schema.hasTable('procedure_versions')))
    await knex.schema.createTable('procedure_versions', (t) => {
      t.increments('id').primary();
      t.integer('procedure_id').unsigned().notNullable().references('id').inTable('procedures');
      t.integer('version').notNullable();
      t.text('definition', 'mediumtext').notNullable();
      t.integer('created_by').unsigned().nullable();
      t.bigInteger('created_at').notNullable();
      t.unique(['procedure_id', 'version']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('procedure_versions');
  await knex.schema.dropTable('procedures');
}
