import type { Knex } from 'knex';

// One-time keys: a staff form's one-time token (Back and submit again never makes a second dossier)
// and, later, the API's `Idempotency-Key` (contract.md §2). A key belongs to one user and one scope
// (`form:intake`, `api:POST /api/v1/dossiers`, …); it is recorded in the same transaction as what it
// guards, so a repeat finds either nothing (the first attempt rolled back) or the first answer.
// `request_hash` tells a replay from a different request under the same key (409 for the API);
// `status` and `response` hold the first answer (for the forms: the created dossier's code).
// Also: the applicant type (the national portal's LoaiDoiTuong: 1 citizen, 2 enterprise, 3 state
// agency, 4 other organisation) on dossiers, 1 for every dossier received before.
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('idempotency_keys')))
    await knex.schema.createTable('idempotency_keys', (t) => {
      t.increments('id').primary();
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users');
      t.string('scope', 64).notNullable();
      t.string('key', 100).notNullable();
      t.string('request_hash', 64).notNullable();
      t.integer('status').notNullable();
      t.text('response').notNullable();
      t.bigInteger('created_at').notNullable();
      t.unique(['user_id', 'scope', 'key'], { indexName: 'idempotency_keys_user_scope_key' });
      t.index(['created_at'], 'idempotency_keys_created_idx');
    });
  if (!(await knex.schema.hasColumn('dossiers', 'applicant_type')))
    await knex.schema.alterTable('dossiers', (t) => {
      t.tinyint('applicant_type').notNullable().defaultTo(1);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys');
  if (await knex.schema.hasColumn('dossiers', 'applicant_type'))
    await knex.schema.alterTable('dossiers', (t) => {
      t.dropColumn('applicant_type');
    });
}
