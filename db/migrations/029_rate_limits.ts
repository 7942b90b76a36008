import type { Knex } from 'knex';

// Rate-limit counters shared by every app process (design.md §9): one row per limited scope and
// client (`lookup:203.0.113.7`), a fixed window's start and the hits counted in it. A new window
// resets the count in the same statement that counts the hit.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('rate_limits')))
    await knex.schema.createTable('rate_limits', (t) => {
      t.string('scope_key', 200).primary();
      t.bigInteger('window_start').notNullable();
      t.integer('hits').notNullable();
      t.index(['window_start'], 'rate_limits_window_idx');
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limits');
}
