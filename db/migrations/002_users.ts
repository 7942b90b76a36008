import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('users')))
    await knex.schema.createTable('users', (t) => {
      t.increments('id').primary();
      t.string('username', 64).notNullable().unique();
      t.string('password_hash', 100).notNullable();
      t.string('full_name', 255).notNullable();
      t.string('email', 255).nullable();
      t.integer('unit_id').unsigned().nullable().references('id').inTable('units');
      t.boolean('active').notNullable().defaultTo(true);
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['unit_id']);
    });
  if (!(await knex.schema.hasTable('user_roles')))
    await knex.schema.createTable('user_roles', (t) => {
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      t.string('role', 16).notNullable();
      t.primary(['user_id', 'role']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_roles');
  await knex.schema.dropTable('users');
}
