import { loadConfig } from '../config';
import { createDb } from '../db';
import { verifyChains } from '../services/audit';
import { countDossierEvents } from '../queries/dossier-events.queries';
import { countDispatchEvents } from '../queries/dispatch-events.queries';

/** `npm run audit:verify`: recompute every event hash chain and list any row that was altered. */
async function main(): Promise<void> {
  const db = createDb(loadConfig().databaseUrl);
  try {
    const n = await countDossierEvents(db);
    const m = await countDispatchEvents(db);
    const bad = await verifyChains(db);
    if (bad.length === 0) {
      process.stdout.write(`Nhật ký toàn vẹn: ${n} sự kiện hồ sơ, ${m} sự kiện công văn, không có sai lệch.\n`);
      return;
    }
    for (const b of bad.slice(0, 50)) process.stdout.write(`Sai lệch: ${b.table} #${b.id} (${b.stream})\n`);
    process.stdout.write(`${bad.length} dòng nhật ký không khớp chuỗi băm.\n`);
    process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`${err?.message ?? err}\n`);
  process.exit(1);
});
