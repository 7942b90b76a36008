import type { Knex } from 'knex';

// Consultations inside a dossier (design.md §11): filled in by the consultation work.
export async function up(_knex: Knex): Promise<void> {}

export async function down(_knex: Knex): Promise<void> {}
