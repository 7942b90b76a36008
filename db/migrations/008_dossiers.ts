import type { Knex } from 'knex';

// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('dossiers')))
    await knex.schema.createTable('dossiers', (t) => {
      t.increments('id').primary();
      t.string('code', 96).notNullable().unique();
      t.integer('procedure_version_id').unsigned().notNullable().references('id').inTable('procedure_versions');
      t.string('procedure_code', 64).notNullable();
      t.integer('procedure_version').notNullable();
      t.string('procedure_name', 500).notNullable();
      t.integer('receiving_unit_id').unsigned().notNullable().references('id').inTable('units');
      t.integer('competent_unit_id').unsigned().notNullable().references('id').inTable('units');
      t.integer('handling_unit_id').unsigned().nullable().references('id').inTable('units');
      t.string('state', 64).notNullable();
      t.string('status', 32).notNullable();
      t.string('step_role', 16).nullable();
      t.bigInteger('step_started_at').nullable();
      t.bigInteger('step_due_at').nullable();
      t.text('snapshot').notNullable();
      t.integer('version').notNullable().defaultTo(1);
      t.integer('channel').notNullable().defaultTo(1);
      t.string('applicant_name', 255).notNullable();
      t.text('applicant').notNullable();
      t.text('note').nullable();
      t.bigInteger('received_at').notNullable();
      t.bigInteger('start_at').notNullable();
      t.bigInteger('due_at').notNullable();
      t.bigInteger('paused_at').nullable();
      t.bigInteger('resolved_at').nullable();
      t.bigInteger('completed_at').nullable();
      t.boolean('on_time').nullable();
      t.boolean('late_marked').notNullable().defaultTo(false);
      t.boolean('extended').notNullable().defaultTo(false);
      t.integer('supplement_count').notNullable().defaultTo(0);
      t.integer('created_by').unsigned().nullable();
      t.bigInteger('updated_at').notNullable();
      t.index(['handling_unit_id', 'status', 'step_role']);
      t.index(['receiving_unit_id', 'received_at']);
      t.index(['receiving_unit_id', 'resolved_at']);
      t.index(['status', 'due_at']);
      t.index(['procedure_code']);
      t.index(['applicant_name']);
    });
  if (!(await knex.schema.hasTable('dossier_documents')))
    await knex.schema.createTable('dossier_documents', (t) => {
      t.increments('id').primary();
      t.integer('dossier_id').unsigned().notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
      t.string('code', 64).notNullable();
      t.string('name', 500).notNullable();
      t.boolean('required').notNullable();
      t.boolean('received').notNullable();
      t.index(['dossier_id']);
    });
  if (!(await knex.schema.hasTable('dossier_units')))
    await knex.schema.createTable('dossier_units', (t) => {
      // Every unit that handled or now handles one of the dossier's steps: drives visibility (design.md §4).
      t.integer('dossier_id').unsigned().notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
      t.integer('unit_id').unsigned().notNullable().references('id').inTable('units');
      t.primary(['dossier_id', 'unit_id']);
      t.index(['unit_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dossier_units');
  await knex.schema.dropTable('dossier_documents');
  await knex.schema.dropTable('dossiers');
}
