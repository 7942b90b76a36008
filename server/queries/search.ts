import type { Knex } from 'knex';
import { fold } from '../../workflows/text';

/**
 * `q` search on a folded search column (db/migrations/018_search_text.ts): the query is folded the
 * same way, so `nguyen van` finds `Nguyễn Văn` and `d` finds `đ` on SQLite and MySQL alike.
 * `!` is the LIKE escape: a backslash literal is spelled differently per engine.
 */
export function searchLike(q: string): string {
  return `%${fold(q).replace(/[%_!]/g, (c) => '!' + c)}%`;
}

/** Narrow `qb` to rows whose folded `column` contains the folded `q`. */
export function whereSearch<T extends Knex.QueryBuilder>(qb: T, column: string, q: string): T {
  return qb.whereRaw(`?? like ? escape '!'`, [column, searchLike(q)]) as T;
}
