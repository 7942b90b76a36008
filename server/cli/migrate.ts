import { loadConfig } from '../config';
import { createDb, migrate } from '../db';
import { ensureReportCounts } from '../services/report-counts.service';

/** `npm run db:migrate`: apply pending migrations and exit. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    const applied = await migrate(db);
    const counts = await ensureReportCounts(db);
    if (counts) process.stdout.write(`Đã tính số liệu báo cáo từ ${counts.dossiers} hồ sơ.\n`);
    process.stdout.write(
      applied.length ? `Đã áp dụng: ${applied.join(', ')}\n` : 'Cơ sở dữ liệu đã ở phiên bản mới nhất.\n',
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exit(1);
});
