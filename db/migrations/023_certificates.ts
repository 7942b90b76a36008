import type { Knex } from 'knex';

// Signing certificates (design.md §10): one current certificate per signing user and per unit (the
// agency seal), older ones kept as history. The key and chain are stored sealed (AES-256-GCM, see
// server/signing/secrets.ts); the certificate itself is public and kept in clear for the admin page.
// The demo CA lives in app_settings. Guarded: MySQL commits each DDL statement.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('certificates')))
    await knex.schema.createTable('certificates', (t) => {
      t.increments('id').primary();
      t.integer('user_id').unsigned().nullable().references('id').inTable('users');
      t.integer('unit_id').unsigned().nullable().references('id').inTable('units');
      // 'user:<id>' or 'unit:<id>' while current, null once replaced: one current per owner, and the
      // race of two first signatures (demo issuance) ends in one row.
      t.string('current_owner', 40).nullable().unique();
      t.string('subject', 1000).notNullable();
      t.string('issuer', 1000).notNullable();
      t.string('serial', 100).notNullable();
      t.bigInteger('not_before').notNullable();
      t.bigInteger('not_after').notNullable();
      t.boolean('demo').notNullable().defaultTo(false);
      t.text('cert_pem').notNullable();
      // Sealed JSON {key, chain}: never shown, never logged.
      t.text('secret').notNullable();
      t.integer('uploaded_by').unsigned().nullable().references('id').inTable('users');
      t.bigInteger('created_at').notNullable();
      t.bigInteger('replaced_at').nullable();
      t.index(['user_id']);
      t.index(['unit_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('certificates');
}
