import { loadConfig } from '../config';
import { createDb } from '../db';
import { compareReportCounts, rebuildReportCounts } from '../services/report-counts.service';

/**
 * `npm run reports:check`: compute the report counts from the dossiers and compare them with the
 * stored ones (exit 1 and list the differences when they disagree).
 * `npm run reports:rebuild`: recompute and replace them, then check again. Both are safe while the
 * app runs: the rebuild is one transaction that events wait for (server/queries/report-counts.queries.ts).
 */
async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'check' && mode !== 'rebuild') {
    process.stderr.write('Cách dùng: report-counts check | rebuild\n');
    process.exitCode = 2;
    return;
  }
  const db = createDb(loadConfig().databaseUrl, { queryTimeoutMs: 0 });
  try {
    if (mode === 'rebuild') {
      const t = Date.now();
      const r = await rebuildReportCounts(db);
      process.stdout.write(
        `Đã tính lại số liệu báo cáo: ${r.dossiers} hồ sơ, ${r.cells} dòng, ${((Date.now() - t) / 1000).toFixed(1)} giây.\n`,
      );
    }
    const c = await compareReportCounts(db);
    if (c.differences.length === 0) {
      process.stdout.write(`Số liệu báo cáo khớp với ${c.dossiers} hồ sơ (${c.cells} dòng).\n`);
      return;
    }
    for (const d of c.differences.slice(0, 50))
      process.stdout.write(
        `Lệch ${d.key}: đang lưu ${JSON.stringify(d.stored)}, tính từ hồ sơ ${JSON.stringify(d.computed)}\n`,
      );
    process.stdout.write(
      `${c.differences.length} dòng số liệu báo cáo không khớp với hồ sơ. Chạy "npm run reports:rebuild" để tính lại.\n`,
    );
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exit(1);
});
