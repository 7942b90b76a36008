import type { Knex } from 'knex';

// Absence delegation (issue 16, glossary "Ủy quyền khi vắng mặt"): a leader names a deputy who may act
// at that leader's steps from one date to another (Vietnam dates, inclusive), signing "KT." or "TUQ.".
// Events and results done by delegation record whom they were done for. Guarded: MySQL commits each
// DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('delegations')))
    await knex.schema.createTable('delegations', (t) => {
      t.increments('id').primary();
      t.integer('leader_id').unsigned().notNullable().references('id').inTable('users');
      t.integer('deputy_id').unsigned().notNullable().references('id').inTable('users');
      t.integer('unit_id').unsigned().notNullable().references('id').inTable('units');
      t.string('role', 32).notNullable();
      t.string('kind', 8).notNullable();
      // 'YYYY-MM-DD', Vietnam time, both inclusive.
      t.string('from_date', 10).notNullable();
      t.string('to_date', 10).notNullable();
      // What the deputy signs as under the authority line ("Phó Chủ tịch", "Chánh Văn phòng"); null: the default.
      t.string('deputy_title', 100).nullable();
      t.string('reason', 500).notNullable();
      t.integer('created_by').unsigned().notNullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('revoked_at').nullable();
      t.integer('revoked_by').unsigned().nullable();
      t.index(['deputy_id', 'from_date']);
      t.index(['leader_id', 'from_date']);
    });
  if (!(await knex.schema.hasColumn('dossier_events', 'on_behalf_of_user_id')))
    await knex.schema.alterTable('dossier_events', (t) => {
      t.integer('on_behalf_of_user_id').unsigned().nullable();
      t.string('on_behalf_of_name', 255).nullable();
      t.string('delegation_kind', 8).nullable();
      // The words of the history and the signature block: "KT. Chủ tịch", "Phó Chủ tịch".
      t.string('delegation_authority', 120).nullable();
      t.string('delegate_title', 120).nullable();
    });
  if (!(await knex.schema.hasColumn('dossier_results', 'signed_on_behalf_of_user_id')))
    await knex.schema.alterTable('dossier_results', (t) => {
      t.integer('signed_on_behalf_of_user_id').unsigned().nullable();
      t.string('signed_delegation_kind', 8).nullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_results', (t) => {
    t.dropColumn('signed_on_behalf_of_user_id');
    t.dropColumn('signed_delegation_kind');
  });
  await knex.schema.alterTable('dossier_events', (t) => {
    t.dropColumn('on_behalf_of_user_id');
    t.dropColumn('on_behalf_of_name');
    t.dropColumn('delegation_kind');
    t.dropColumn('delegation_authority');
    t.dropColumn('delegate_title');
  });
  await knex.schema.dropTableIfExists('delegations');
}
