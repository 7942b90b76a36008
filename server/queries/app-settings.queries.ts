import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** The value of one setting, or null when it was never set. */
export async function getSetting(db: Q, key: string): Promise<string | null> {
  const row = await db('app_settings').where({ key }).first('value');
  return row ? String(row.value) : null;
}

/** Store a setting unless another process stored it first (the first value wins). */
export async function insertSettingIfAbsent(db: Q, key: string, value: string): Promise<void> {
  await db('app_settings').insert({ key, value }).onConflict('key').ignore();
}
