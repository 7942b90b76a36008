import type { Knex } from 'knex';

// Files on a recipient unit's reply (design.md §6): a dispatch attachment with the reply it belongs to.
// Null: a file of the dispatch itself. Guarded: MySQL commits each DDL statement, so a start killed
// mid-migration must be able to rerun it.
export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasColumn('dispatch_attachments', 'reply_id')))
    await knex.schema.alterTable('dispatch_attachments', (t) => {
      t.integer('reply_id').unsigned().nullable();
      t.index(['dispatch_id', 'reply_id']);
    });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dispatch_attachments', (t) => {
    t.dropIndex(['dispatch_id', 'reply_id']);
    t.dropColumn('reply_id');
  });
}
