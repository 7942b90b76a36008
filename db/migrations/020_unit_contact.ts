import type { Knex } from 'knex';

// The desk's address and phone, shown to citizens on the lookup page (what to bring, and where).
// Guarded: MySQL commits each DDL statement, so a start killed mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('units', 'address')))
    await knex.schema.alterTable('units', (t) => {
      t.string('address', 500).nullable();
    });
  if (!(await knex.schema.hasColumn('units', 'phone')))
    await knex.schema.alterTable('units', (t) => {
      t.string('phone', 50).nullable();
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('units', (t) => {
    t.dropColumn('phone');
    t.dropColumn('address');
  });
}
