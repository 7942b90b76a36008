/**
 * Text folding for search (contract.md §2: `q` ignores case and Vietnamese diacritics on every
 * engine). Both the stored search columns and the query go through {@link fold}, so a plain
 * `LIKE` on the folded column behaves the same on SQLite and MySQL.
 *
 * db/migrations/018_search_text.ts keeps its own copy of this function (migrations never import
 * app code): change both together.
 */

/**
 * Lower case, without diacritics, `đ` as `d`, runs of white space as one space, trimmed:
 * `  Nguyễn  Văn ĐỨC ` → `nguyen van duc`.
 */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The search column's value for a row: its searchable parts, folded and joined by a space. */
export function searchText(...parts: Array<string | null | undefined>): string {
  return fold(parts.filter((p) => p != null && p !== '').join(' '));
}
