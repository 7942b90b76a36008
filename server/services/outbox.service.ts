import type { Knex } from 'knex';

/**
 * Add a message to the outbox inside the caller's transaction: it exists if and only if the change
 * that caused it committed. The scheduler delivers it afterwards (design.md §2).
 */
export async function enqueue(
  trx: Knex | Knex.Transaction,
  kind: string,
  payload: Record<string, unknown>,
  now = Date.now(),
): Promise<void> {
  await trx('outbox').insert({
    kind,
    payload: JSON.stringify(payload),
    status: 'pending',
    attempts: 0,
    available_at: now,
    created_at: now,
  });
}
