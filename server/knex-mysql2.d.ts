// knex's mysql2 client class, extended by server/db.ts to give every query a timeout.
declare module 'knex/lib/dialects/mysql2' {
  import type { Knex } from 'knex';
  class Client_MySQL2 extends Knex.Client {
    _query(connection: unknown, obj: unknown): Promise<unknown>;
    acquireRawConnection(): Promise<unknown>;
  }
  export = Client_MySQL2;
}
