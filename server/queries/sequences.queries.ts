import type { Knex } from 'knex';

/**
 * Next value of a named counter, inside the caller's transaction. The UPDATE takes the row lock
 * until commit, so concurrent callers queue and a rolled-back caller gives its number back:
 * values stay unique and gapless on both engines.
 */
export async function nextSequence(trx: Knex.Transaction, scope: string): Promise<number> {
  // Update first: the insert (and its gap lock, a deadlock source on MySQL) only happens for the
  // first number of a scope.
  const bumped = await trx('code_sequences').where({ scope }).increment('last_value', 1);
  if (bumped === 0) {
    await trx('code_sequences').insert({ scope, last_value: 0 }).onConflict('scope').ignore();
    await trx('code_sequences').where({ scope }).increment('last_value', 1);
  }
  const row = await trx('code_sequences').where({ scope }).first('last_value');
  return Number(row.last_value);
}
