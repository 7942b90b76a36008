import type { Period, Report, Summary, TreeUnit } from '../services/reports.service';
import { dayNumberFromDateString, formatVnDate, vnDayStartMs } from '../../workflows/calendar/time';

/*
 * The report's tables as a person reads them: titles, column heads and rows for the page, the
 * print view and the CSV/XLSX exports (one shape for all three).
 */

/** "từ ngày 01/05/2027 đến ngày 31/05/2027" */
export function periodText(p: Period): string {
  const d = (s: string) => formatVnDate(new Date(vnDayStartMs(dayNumberFromDateString(s))));
  return `từ ngày ${d(p.from)} đến ngày ${d(p.to)}`;
}

/** "Báo cáo tình hình giải quyết hồ sơ từ ngày 01/05/2027 đến ngày 31/05/2027" */
export function reportTitle(p: Period): string {
  return `Báo cáo tình hình giải quyết hồ sơ ${periodText(p)}`;
}

export const TABLES = ['summary', 'units', 'procedures', 'months'] as const;
export type TableName = (typeof TABLES)[number];
export type Cell = string | number | null;

/** A report table for export: Vietnamese headers; `rate` marks the column holding a 0..1 fraction. */
export interface Table {
  headers: string[];
  rows: Cell[][];
  rate: number;
}

const FIGURES = [
  'Tiếp nhận',
  'Đã giải quyết',
  'Đúng hạn',
  'Trễ hạn',
  'Đang giải quyết',
  'Quá hạn',
  'Tỷ lệ đúng hạn (%)',
];
const figureCells = (s: Summary): Cell[] => [
  s.received,
  s.resolved,
  s.resolvedOnTime,
  s.resolvedLate,
  s.inProgress,
  s.inProgressOverdue,
  s.onTimeRate,
];

export const UNIT_SCOPE_TEXT = { subtree: 'Cả đơn vị và cấp dưới', own: 'Riêng đơn vị' } as const;
export const TOTAL_TEXT = 'Tổng cộng';

export interface UnitLine {
  unit: TreeUnit;
  /** Which dossiers the figures count: the unit and those below it, or the unit's own. */
  part: keyof typeof UNIT_SCOPE_TEXT;
  /** The first of the unit's lines, and how many it has (2 for a unit with units below it). */
  first: boolean;
  lines: number;
  figures: Summary;
}

/** The per-unit table's lines: a unit with units below it has its subtree's line, then its own. */
export function unitLines(r: Report): UnitLine[] {
  return r.units.flatMap((u): UnitLine[] =>
    u.hasChildren
      ? [
          { unit: u.unit, part: 'subtree', first: true, lines: 2, figures: u.subtree },
          { unit: u.unit, part: 'own', first: false, lines: 2, figures: u.own },
        ]
      : [{ unit: u.unit, part: 'own', first: true, lines: 1, figures: u.own }],
  );
}

export function reportTable(r: Report, scopeName: string, name: TableName): Table {
  switch (name) {
    case 'summary':
      return { headers: ['Đơn vị', ...FIGURES], rows: [[scopeName, ...figureCells(r.totals)]], rate: 7 };
    case 'units':
      return {
        headers: ['Mã đơn vị', 'Đơn vị tiếp nhận', 'Số liệu', ...FIGURES],
        rows: [
          ...unitLines(r).map((l) => [l.unit.code, l.unit.name, UNIT_SCOPE_TEXT[l.part], ...figureCells(l.figures)]),
          [null, TOTAL_TEXT, null, ...figureCells(r.totals)],
        ],
        rate: 9,
      };
    case 'procedures':
      return {
        headers: ['Mã thủ tục', 'Thủ tục', ...FIGURES],
        rows: r.procedures.map((p) => [p.code, p.name, ...figureCells(p.figures)]),
        rate: 8,
      };
    case 'months':
      return {
        headers: ['Tháng', 'Tiếp nhận', 'Đã giải quyết', 'Đúng hạn', 'Trễ hạn', 'Tỷ lệ đúng hạn (%)'],
        rows: r.months.map((m) => [m.label, m.received, m.resolved, m.resolvedOnTime, m.resolvedLate, m.onTimeRate]),
        rate: 5,
      };
  }
}
