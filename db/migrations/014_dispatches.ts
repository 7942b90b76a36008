import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('dispatches')))
    await knex.schema.createTable('dispatches', (t) => {
      t.increments('id').primary();
      t.integer('issuing_unit_id').unsigned().notNullable().references('id').inTable('units');
      t.string('title', 500).notNullable();
      t.text('summary', 'mediumtext').notNullable();
      t.string('due_date', 10).notNullable();
      t.boolean('silence_means_agreement').notNullable().defaultTo(true);
      t.text('recipients').notNullable();
      t.string('state', 32).notNullable();
      t.text('snapshot').notNullable();
      t.integer('version').notNullable().defaultTo(1);
      t.string('number', 64).nullable();
      t.integer('number_year').nullable();
      t.integer('number_seq').nullable();
      t.integer('created_by').unsigned().notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.bigInteger('issued_at').nullable();
      t.bigInteger('closed_at').nullable();
      t.bigInteger('reminded_at').nullable();
      t.unique(['issuing_unit_id', 'number_year', 'number_seq']);
      t.index(['issuing_unit_id', 'state']);
      t.index(['state', 'due_date']);
    });
  if (!(await knex.schema.hasTable('dispatch_replies')))
    await knex.schema.createTable('dispatch_replies', (t) => {
      t.increments('id').primary();
      t.integer('dispatch_id').unsigned().notNullable().references('id').inTable('dispatches').onDelete('CASCADE');
      t.integer('unit_id').unsigned().notNullable().references('id').inTable('units');
      t.string('state', 32).notNullable();
      t.text('snapshot').notNullable();
      t.integer('version').notNullable().defaultTo(1);
      t.integer('assignee_id').unsigned().nullable();
      t.string('position', 16).nullable();
      t.text('content', 'mediumtext').nullable();
      t.bigInteger('replied_at').nullable();
      t.text('response', 'mediumtext').nullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['dispatch_id', 'unit_id']);
      t.index(['unit_id', 'state']);
    });
  if (!(await knex.schema.hasTable('dispatch_events')))
    await knex.schema.createTable('dispatch_events', (t) => {
      t.bigIncrements('id').primary();
      t.integer('dispatch_id').unsigned().notNullable().references('id').inTable('dispatches').onDelete('CASCADE');
      t.integer('reply_id').unsigned().nullable();
      t.string('type', 32).notNullable();
      t.string('from_state', 32).nullable();
      t.string('to_state', 32).notNullable();
      t.integer('actor_id').unsigned().nullable();
      t.string('actor_username', 64).nullable();
      t.string('actor_name', 255).nullable();
      t.string('actor_unit_code', 64).nullable();
      t.text('comment').nullable();
      t.bigInteger('at').notNullable();
      t.index(['dispatch_id', 'id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dispatch_events');
  await knex.schema.dropTable('dispatch_replies');
  await knex.schema.dropTable('dispatches');
}
