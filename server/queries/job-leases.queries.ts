import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/**
 * Named leases of once-a-day work (`digest:YYYY-MM-DD`): the name is unique, so of two processes
 * only the first insert succeeds (the second gets a duplicate-key error, db.ts isDuplicate).
 */
export async function hasLease(db: Q, name: string): Promise<boolean> {
  return !!(await db('job_leases').where({ name }).first('name'));
}

export async function insertLease(db: Q, lease: { name: string; owner: string; until: number }): Promise<void> {
  await db('job_leases').insert(lease);
}
