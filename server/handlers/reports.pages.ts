import { mayReportOnAllUnits } from '../policies/unit.policy';
import type { Request, Response } from 'express';
import { toCsv, toXlsx } from '../reports/export';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import { fromTypedDate, toTypedDate, TYPED_DATE_MESSAGE } from '../schemas/dates.schema';
import { METRICS, Metric } from '../queries/reports.queries';
import {
  boundsOf,
  defaultPeriod,
  dossiersBehind,
  fullReport,
  parsePeriod,
  Period,
  periodName,
  Report,
  reportScope,
  Scope,
  Summary,
} from '../services/reports.service';
import {
  periodText,
  reportTitle,
  reportTable,
  TableName,
  TABLES,
  TOTAL_TEXT,
  UNIT_SCOPE_TEXT,
  unitLines,
} from '../presenters/report-tables.presenter';
import { isOverdue } from '../services/dossier-clock';
import { barChart, fmtInt, fmtPercent, stackedShare } from '../reports/charts';
import { formatVnDate, formatVnDateTime, vnDate } from '../../workflows/calendar/time';
import { PublicStatus, STATUS_TEXT } from '../../workflows/status';

const FIGURES: Array<{ key: Metric; label: string; bad?: boolean }> = [
  { key: 'received', label: 'Tiếp nhận' },
  { key: 'resolved', label: 'Đã giải quyết' },
  { key: 'ontime', label: 'Đúng hạn' },
  { key: 'late', label: 'Trễ hạn', bad: true },
  { key: 'progress', label: 'Đang giải quyết' },
  { key: 'overdue', label: 'Quá hạn', bad: true },
];
const METRIC_TITLES: Record<Metric, string> = {
  received: 'Hồ sơ tiếp nhận trong kỳ',
  resolved: 'Hồ sơ đã giải quyết trong kỳ',
  ontime: 'Hồ sơ giải quyết đúng hạn',
  late: 'Hồ sơ giải quyết trễ hạn',
  progress: 'Hồ sơ đang giải quyết',
  overdue: 'Hồ sơ đang giải quyết đã quá hạn',
};
const TABLE_FILES: Record<TableName, { slug: string; sheet: string; label: string }> = {
  summary: { slug: 'tong-hop', sheet: 'Tổng hợp', label: 'Số liệu tổng hợp' },
  units: { slug: 'theo-don-vi', sheet: 'Theo đơn vị', label: 'Theo đơn vị' },
  procedures: { slug: 'theo-thu-tuc', sheet: 'Theo thủ tục', label: 'Theo thủ tục' },
  months: { slug: 'theo-thang', sheet: 'Theo tháng', label: 'Theo tháng' },
};
const FORMATS = ['csv', 'xlsx'] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const figureOf = (s: Summary, k: Metric): number =>
  ({
    received: s.received,
    resolved: s.resolved,
    ontime: s.resolvedOnTime,
    late: s.resolvedLate,
    progress: s.inProgress,
    overdue: s.inProgressOverdue,
  })[k];
const rateText = (r: number | null) => (r == null ? '—' : fmtPercent(r));

/** The query string that names a scope and period (don-vi is left out for an admin's "every unit"). */
function baseQuery(scope: Scope, p: Period, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    ...(scope.unit ? { 'don-vi': scope.unit.code } : {}),
    tu: p.from,
    den: p.to,
    ...extra,
  }).toString();
}

/**
 * Scope and period from `?don-vi=&tu=&den=` (and `rieng=1`: the unit's own dossiers only): 404
 * outside the user's tree first, then 422 for bad dates.
 */
async function scopeAndPeriod(ctx: AppContext, req: Request): Promise<{ scope: Scope; period: Period }> {
  const scope = await reportScope(ctx.db, req.user!, str(req.query['don-vi']) || undefined, {
    ownOnly: req.query.rieng === '1',
  });
  return {
    scope,
    period: parsePeriod(
      { from: fromTypedDate(req.query.tu), to: fromTypedDate(req.query.den) },
      { from: 'tu', to: 'den' },
    ),
  };
}

function figureCells(s: Summary, link: (m: Metric) => string | null) {
  return [
    // A zero leads to an empty list: no link.
    ...FIGURES.map((f) => ({ value: fmtInt(figureOf(s, f.key)), href: figureOf(s, f.key) ? link(f.key) : null })),
    { value: rateText(s.onTimeRate), href: null },
  ];
}

function pageView(r: Report, scope: Scope, today: string) {
  const q = (extra: Record<string, string>) => `?${baseQuery(scope, r.period, extra)}`;
  const behind = (m: Metric, extra: Record<string, string> = {}) => `/bao-cao/ho-so${q({ 'chi-so': m, ...extra })}`;
  const online = r.channels.find((c) => c.channel === 2)?.share ?? null;
  return {
    heading: reportTitle(r.period),
    periodName: periodName(r.period, today),
    scopeName: scope.unit?.name ?? 'Tất cả đơn vị',
    allUnits: !scope.unit,
    // "In progress" is judged at the end of `to`, or now when `to` has not ended yet.
    asOf: r.moment < boundsOf(r.period, 0).end ? formatVnDateTime(new Date(r.moment)) : null,
    toText: formatVnDate(new Date(boundsOf(r.period, 0).end - 1)),
    cards: [
      ...FIGURES.map((f) => ({
        label: f.label,
        value: fmtInt(figureOf(r.totals, f.key)),
        href: behind(f.key),
        bad: f.bad && figureOf(r.totals, f.key) > 0,
      })),
      { label: 'Tỷ lệ đúng hạn', value: rateText(r.totals.onTimeRate), href: null, bad: false },
    ],
    units: unitLines(r).map((l) => {
      // A unit's own line of a unit with units below it drills down to its own dossiers only.
      const only: Record<string, string> = l.part === 'own' && l.lines === 2 ? { rieng: '1' } : {};
      return {
        name: l.unit.name,
        code: l.unit.code,
        first: l.first,
        lines: l.lines,
        part: l.part,
        partText: UNIT_SCOPE_TEXT[l.part],
        depth: Math.min(l.unit.depth, 4),
        href: `/bao-cao${q({ 'don-vi': l.unit.code })}`,
        cells: figureCells(l.figures, (m) => behind(m, { 'don-vi': l.unit.code, ...only })),
      };
    }),
    total: { name: TOTAL_TEXT, cells: figureCells(r.totals, (m) => behind(m)) },
    procedures: r.procedures.map((p) => ({
      code: p.code,
      name: p.name,
      cells: figureCells(p.figures, (m) => behind(m, { 'thu-tuc': p.code })),
    })),
    monthsChart: barChart({
      id: 'bieu-do-thang',
      title: 'Hồ sơ tiếp nhận, đã giải quyết và giải quyết đúng hạn theo tháng',
      categories: r.months.map((m) => m.label),
      series: [
        { name: 'Tiếp nhận', values: r.months.map((m) => m.received) },
        { name: 'Đã giải quyết', values: r.months.map((m) => m.resolved) },
        { name: 'Đúng hạn', values: r.months.map((m) => m.resolvedOnTime) },
      ],
      xLabel: 'Tháng',
      yLabel: 'Số hồ sơ',
    }),
    months: r.months.map((m) => ({
      label: m.label,
      cells: [m.received, m.resolved, m.resolvedOnTime, m.resolvedLate].map(fmtInt),
      rate: rateText(m.onTimeRate),
    })),
    channelsChart: stackedShare({
      id: 'bieu-do-kenh',
      title: 'Tỷ lệ hồ sơ tiếp nhận theo hình thức nộp',
      parts: r.channels.map((c) => ({ label: c.label, value: c.received })),
      unit: 'hồ sơ',
    }),
    onlineRate: online == null ? null : fmtPercent(online),
    exports: TABLES.map((t) => ({
      label: TABLE_FILES[t].label,
      csv: `/bao-cao/xuat${q({ bang: t, 'dinh-dang': 'csv' })}`,
      xlsx: `/bao-cao/xuat${q({ bang: t, 'dinh-dang': 'xlsx' })}`,
    })),
  };
}

/** /bao-cao: the report page, the dossiers behind a figure, and CSV/XLSX export. */
export function reportsPages(ctx: AppContext) {
  return {
    async page(req: Request, res: Response) {
      const scope = await reportScope(ctx.db, req.user!, str(req.query['don-vi']) || undefined);
      const now = Date.now();
      const today = vnDate(new Date(now));
      const fallback = defaultPeriod(today);
      // Typed as dd/mm/yyyy (links use YYYY-MM-DD); shown back as dd/mm/yyyy.
      const raw = {
        from: fromTypedDate(req.query.tu ?? fallback.from),
        to: fromTypedDate(req.query.den ?? fallback.to),
      };
      const form = {
        unitCode: scope.unit?.code ?? '',
        from: toTypedDate(str(raw.from) ?? ''),
        to: toTypedDate(str(raw.to) ?? ''),
        errors: {} as Record<string, string>,
      };
      const units = scope.visible.map((u) => ({ code: u.code, label: `${'— '.repeat(u.depth)}${u.name}` }));
      const admin = mayReportOnAllUnits(req.user!);
      let period: Period;
      try {
        period = parsePeriod(raw, { from: 'tu', to: 'den' });
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        form.errors = (err.details as { fields: Record<string, string> }).fields;
        for (const [k, m] of Object.entries(form.errors)) if (/YYYY-MM-DD/.test(m)) form.errors[k] = TYPED_DATE_MESSAGE;
        return res.status(422).render('pages/reports/index', { title: 'Báo cáo', form, units, admin });
      }
      const report = await fullReport(ctx.db, scope, period, now);
      // Said when the page opened on last month by itself (the first days of a month).
      const lastMonthNote =
        req.query.tu === undefined && req.query.den === undefined && fallback.to < today
          ? `Những ngày đầu tháng, báo cáo mặc định hiển thị số liệu cả tháng trước.`
          : null;
      res.render('pages/reports/index', {
        title: 'Báo cáo',
        form,
        units,
        admin,
        r: { ...pageView(report, scope, today), lastMonthNote },
      });
    },

    async dossiers(req: Request, res: Response) {
      const { scope, period } = await scopeAndPeriod(ctx, req);
      const metric = str(req.query['chi-so']) as Metric;
      if (!METRICS.includes(metric))
        throw new Invalid('Chỉ số không hợp lệ.', { fields: { 'chi-so': `Chọn một trong: ${METRICS.join(', ')}.` } });
      const procedureCode = str(req.query['thu-tuc']) || undefined;
      const page = Math.max(1, Math.floor(Number(req.query.trang)) || 1);
      const now = Date.now();
      const { rows, total, pages } = await dossiersBehind(ctx.db, scope, period, now, metric, { procedureCode, page });
      const base = baseQuery(scope, period, {
        ...(scope.ownOnly ? { rieng: '1' } : {}),
        'chi-so': metric,
        ...(procedureCode ? { 'thu-tuc': procedureCode } : {}),
      });
      res.render('pages/reports/dossiers', {
        title: METRIC_TITLES[metric],
        heading: METRIC_TITLES[metric],
        period: periodText(period),
        scopeName: scope.unit?.name ?? 'Tất cả đơn vị',
        scopePart: scope.unit ? UNIT_SCOPE_TEXT[scope.ownOnly ? 'own' : 'subtree'].toLowerCase() : null,
        procedureCode,
        back: `/bao-cao?${baseQuery(scope, period)}`,
        rows: rows.map((d) => ({
          ...d,
          received_at: Number(d.received_at),
          due_at: Number(d.due_at),
          resolved_at: d.resolved_at == null ? null : Number(d.resolved_at),
          statusText: STATUS_TEXT[d.status as PublicStatus] ?? d.status,
          overdue: isOverdue(d, now),
          onTime: d.on_time == null ? null : Boolean(Number(d.on_time)),
        })),
        total: fmtInt(total),
        page,
        pages,
        prev: page > 1 ? `?${base}&trang=${page - 1}` : null,
        next: page < pages ? `?${base}&trang=${page + 1}` : null,
      });
    },

    async export(req: Request, res: Response) {
      const { scope, period } = await scopeAndPeriod(ctx, req);
      const table = str(req.query.bang) as TableName;
      const format = str(req.query['dinh-dang']) as (typeof FORMATS)[number];
      const fields: Record<string, string> = {};
      if (!TABLES.includes(table)) fields.bang = `Chọn một trong: ${TABLES.join(', ')}.`;
      if (!FORMATS.includes(format)) fields['dinh-dang'] = 'Chọn csv hoặc xlsx.';
      if (Object.keys(fields).length)
        throw new Invalid(`Yêu cầu xuất không hợp lệ: ${Object.keys(fields).join(', ')}.`, { fields });
      const report = await fullReport(ctx.db, scope, period, Date.now());
      const scopeName = scope.unit?.name ?? 'Tất cả đơn vị';
      const t = reportTable(report, scopeName, table);
      const file = `bao-cao-${TABLE_FILES[table].slug}-${scope.unit?.code.replace(/[^A-Za-z0-9.-]/g, '_') ?? 'tat-ca'}-${period.from}-${period.to}.${format}`;
      res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').send(toCsv(t));
        return;
      }
      res
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await toXlsx(t, reportTitle(period), scopeName, TABLE_FILES[table].sheet));
    },
  };
}
