import type { Knex } from 'knex';

/**
 * The cluster-wide start-up lease on Galera (see withStartupLock in server/db.ts): one row, taken by
 * compare-and-set. The table lives outside the migrations because it guards them.
 */
export async function ensureLeaseTable(db: Knex): Promise<void> {
  await db.raw(
    'CREATE TABLE IF NOT EXISTS motcua_startup_lease (id INT PRIMARY KEY, holder VARCHAR(100) NULL, ' +
      'node VARCHAR(100) NULL, conn_id BIGINT NULL, until_ms BIGINT NOT NULL DEFAULT 0)',
  );
  await db.raw('INSERT IGNORE INTO motcua_startup_lease (id, until_ms) VALUES (1, 0)');
}

/**
 * Take the lease for `holder` until `until` when it is free: never taken, released, run out, or held
 * by a connection of this node that no longer exists (its process died). True when taken.
 */
export async function tryTakeLease(db: Knex, holder: string, now: number, until: number): Promise<boolean> {
  const [res] = (await db.raw(
    `UPDATE motcua_startup_lease SET holder = ?, node = @@wsrep_node_name, conn_id = CONNECTION_ID(), until_ms = ?
      WHERE id = 1 AND (holder IS NULL OR until_ms < ? OR (node = @@wsrep_node_name AND conn_id NOT IN
        (SELECT ID FROM information_schema.PROCESSLIST)))`,
    [holder, until, now],
  )) as [{ affectedRows: number }];
  return res.affectedRows === 1;
}

export async function renewLease(db: Knex, holder: string, until: number): Promise<void> {
  await db.raw('UPDATE motcua_startup_lease SET until_ms = ? WHERE id = 1 AND holder = ?', [until, holder]);
}

export async function releaseLease(db: Knex, holder: string): Promise<void> {
  await db.raw('UPDATE motcua_startup_lease SET holder = NULL, until_ms = 0 WHERE id = 1 AND holder = ?', [holder]);
}
