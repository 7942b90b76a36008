import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('outbox')))
    await knex.schema.createTable('outbox', (t) => {
      t.bigIncrements('id').primary();
      t.string('kind', 32).notNullable();
      t.text('payload', 'mediumtext').notNullable();
      t.string('status', 16).notNullable().defaultTo('pending');
      t.integer('attempts').notNullable().defaultTo(0);
      t.bigInteger('available_at').notNullable();
      t.string('locked_by', 64).nullable();
      t.bigInteger('locked_until').nullable();
      t.text('last_error').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('sent_at').nullable();
      t.index(['status', 'available_at']);
    });
  if (!(await knex.schema.hasTable('job_leases')))
    await knex.schema.createTable('job_leases', (t) => {
      t.string('name', 64).primary();
      t.string('owner', 64).nullable();
      t.bigInteger('until').notNullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_leases');
  await knex.schema.dropTable('outbox');
}
