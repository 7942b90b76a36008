import type { Knex } from 'knex';

// Imports from the national procedure catalogue (issue 16): the rows a preview read from an uploaded
// file, kept until the admin confirms them (or they expire). The confirm form names the row by its
// random token and the file's SHA-256, so it imports exactly the file previewed, even after a restart;
// `status` goes pending → done once, in the transaction that writes the versions, so a second confirm
// finds it done. `payload` is the parsed rows and the bad ones (JSON, up to a few MB); `result` the
// counts the import ended with. Guarded: MySQL commits each DDL statement, so a start killed
// mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('catalog_imports')))
    await knex.schema.createTable('catalog_imports', (t) => {
      t.increments('id').primary();
      t.string('token', 64).notNullable().unique();
      t.integer('user_id').unsigned().notNullable().references('id').inTable('users');
      t.string('file_name', 255).notNullable();
      t.string('file_hash', 64).notNullable();
      t.string('status', 16).notNullable();
      t.text('payload', 'longtext').notNullable();
      t.text('result').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('confirmed_at').nullable();
      t.index(['status', 'created_at'], 'catalog_imports_status_created_idx');
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('catalog_imports');
}
