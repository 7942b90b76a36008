import type { Knex } from 'knex';

// Signing certificates (design.md §10): filled in by the signing work.
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
