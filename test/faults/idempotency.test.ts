/**
 * Idempotency-Key across processes (contract.md §2, design.md §9 and §12): two app processes on one
 * MariaDB database, the same POST with the same key sent ten times at once and split between them →
 * one dossier (or one event), every answer the first one or 409 "in flight", and a later repeat
 * replays the first answer on either process. The key is recorded by the request's own transaction,
 * so the two processes meet on the database's unique index, not in memory.
 */
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  createFaultDb,
  describeMysql,
  http,
  intakeBody,
  report,
  Res,
  spawnServer,
  tempDir,
  uniq,
} from './support';

/** Every answer is the one that was acknowledged, or 409 while the first is in flight. */
function judge(results: Res[], ok: number): string[] {
  const first = results.find((r) => r.status === ok);
  if (!first) return [`no ${ok} among ${results.map((r) => r.status || r.error).join(', ')}`];
  const bad: string[] = [];
  for (const r of results) {
    if (r.status === ok) {
      if (JSON.stringify(r.body) !== JSON.stringify(first.body))
        bad.push(`a different ${ok} body: ${r.text.slice(0, 120)}`);
    } else if (r.status !== 409 || r.body?.error?.code !== 'idempotency_in_flight')
      bad.push(`${r.status || r.error}: ${r.text.slice(0, 160)}`);
  }
  return bad;
}

describeMysql('Idempotency-Key with two processes on one MariaDB', () => {
  afterAll(cleanupAll);

  it('10 identical intakes at once over two processes make one dossier; events move once; repeats replay', async () => {
    const db = await createFaultDb('mysql', 'idem');
    const a = await spawnServer(baseEnv(tempDir('idem-a'), db.url, { JOBS: '0' }));
    const b = await spawnServer(baseEnv(tempDir('idem-b'), db.url, { JOBS: '0' }));
    const w = await buildWorld(a.url, { communes: 1 });
    const tok = w.communes[0].tokens;
    const urls = [a.url, b.url];
    const count = async () => Number((await db.knex('dossiers').count({ n: '*' }))[0].n);

    const problems: string[] = [];
    const statuses: Record<string, number> = {};
    for (let round = 0; round < 3; round++) {
      const key = `cong-dvc:${uniq()}-${round}`;
      const body = intakeBody(w, false);
      const before = await count();
      const send = (i: number) =>
        http(urls[i % 2], 'POST', '/api/v1/dossiers', {
          token: tok.intake,
          json: body,
          headers: { 'idempotency-key': key },
          timeoutMs: 60_000,
        });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)));
      for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      problems.push(...judge(results, 201).map((p) => `intake round ${round}: ${p}`));
      if ((await count()) !== before + 1) problems.push(`intake round ${round}: ${(await count()) - before} dossiers`);
      // Later, on each process: the first answer again.
      const created = results.find((r) => r.status === 201);
      for (const i of [0, 1]) {
        const again = await send(i);
        if (again.status !== 201 || again.headers.get('idempotency-replayed') !== 'true')
          problems.push(`intake round ${round}: repeat on process ${i} → ${again.status}`);
        else if (created && JSON.stringify(again.body) !== JSON.stringify(created.body))
          problems.push(`intake round ${round}: repeat on process ${i} answered another body`);
      }
      if (!created) continue;

      // The same for a dossier event: FORWARD once.
      const evKey = `chuyen:${uniq()}`;
      const forward = (i: number) =>
        http(urls[i % 2], 'POST', `/api/v1/dossiers/${created.body.code}/events`, {
          token: tok.specialist,
          json: { type: 'FORWARD', version: 1, comment: 'Chuyển bước' },
          headers: { 'idempotency-key': evKey },
          timeoutMs: 60_000,
        });
      const moved = await Promise.all(Array.from({ length: 10 }, (_, i) => forward(i)));
      problems.push(...judge(moved, 200).map((p) => `event round ${round}: ${p}`));
      const events = await db
        .knex('dossier_events as e')
        .join('dossiers as d', 'd.id', 'e.dossier_id')
        .where({ 'd.code': created.body.code, 'e.type': 'FORWARD' })
        .count({ n: '*' });
      if (Number(events[0].n) !== 1) problems.push(`event round ${round}: ${events[0].n} FORWARD rows`);
    }
    report('idempotency over two processes', { statuses, problems: problems.length });
    expect(problems).toEqual([]);
    expect(a.output() + b.output()).not.toMatch(/uncaughtException|unhandledRejection/i);
    await Promise.all([a.term(), b.term()]);
  }, 300_000);
});
