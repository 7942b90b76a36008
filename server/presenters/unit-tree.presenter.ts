import type { Unit } from '../queries/units.queries';
import { treeOrder, TreeUnit } from '../services/reports.service';
import { fold } from '../../workflows/text';

export interface UnitTreeRow extends TreeUnit {
  levelText: string;
  /** The unit it was merged into, and when (design.md §13). */
  mergedInto: { code: string; name: string } | null;
  mergedAt: number | null;
  /** Shown only to place a match in the tree: it does not match the search itself. */
  context: boolean;
}

const LEVEL_TEXT = { province: 'Tỉnh', district: 'Huyện', commune: 'Xã' } as const;

/**
 * The unit tree in order (province → communes and departments under their parent), each unit with its
 * depth; with a search, the units whose code or name matches (ignoring case and diacritics) and the
 * units above them, so every match is seen in its place.
 */
export function unitTreeRows(units: Unit[], mergedAt: Map<number, number | null>, q?: string): UnitTreeRow[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const rows = treeOrder(units, null);
  const needle = q ? fold(q) : '';
  const hit = (u: Unit) => !needle || fold(`${u.code} ${u.name}`).includes(needle);
  const shown = new Set<number>();
  for (const u of units) {
    if (!hit(u)) continue;
    for (let cur: Unit | undefined = u; cur && !shown.has(cur.id); cur = byId.get(cur.parentId ?? -1))
      shown.add(cur.id);
  }
  return rows
    .filter((u) => shown.has(u.id))
    .map((u) => {
      const into = u.mergedIntoId != null ? byId.get(u.mergedIntoId) : undefined;
      return {
        ...u,
        levelText: LEVEL_TEXT[u.level],
        mergedInto: into ? { code: into.code, name: into.name } : null,
        mergedAt: mergedAt.get(u.id) ?? null,
        context: !hit(u),
      };
    });
}
