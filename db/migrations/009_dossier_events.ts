import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('dossier_events')))
    await knex.schema.createTable('dossier_events', (t) => {
      t.bigIncrements('id').primary();
      t.integer('dossier_id').unsigned().notNullable().references('id').inTable('dossiers');
      t.string('type', 32).notNullable();
      t.string('from_state', 64).nullable();
      t.string('to_state', 64).notNullable();
      t.integer('actor_id').unsigned().nullable();
      t.string('actor_username', 64).nullable();
      t.string('actor_name', 255).nullable();
      t.string('actor_unit_code', 64).nullable();
      t.text('comment').nullable();
      t.bigInteger('at').notNullable();
      t.bigInteger('step_due_at').nullable();
      t.boolean('on_time').nullable();
      t.integer('dossier_version').notNullable();
      t.text('data').nullable();
      t.index(['dossier_id', 'id']);
      t.unique(['dossier_id', 'dossier_version']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dossier_events');
}
