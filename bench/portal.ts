/**
 * The portal part (issue 15, design.md §12): what the national-portal sync costs.
 * (a) The cost the sync outbox adds to a transition: the same walk of dossiers (receipt and three
 *     FORWARDs through the real services) with PORTAL_URL unset and set, in the same round (the
 *     order alternates between rounds); ms per transition for both, and their ratio per round.
 * (b) How fast the sender delivers: the queued messages (at least BENCH_PORTAL_MESSAGES, default
 *     600) are put back in the queue, the simulator forgets them, and `PortalSender.drain()` runs
 *     until none waits, at concurrency 1 and 4; beside it the floor, the same bodies POSTed one
 *     after another with no database. The portal simulator (test/portal) runs in this process on
 *     127.0.0.1 and closes every connection: it shares the CPU with the sender and the database client.
 */
import { receiveDossier } from '../server/services/intake.service';
import { applyDossierEvent } from '../server/services/transition.service';
import { PortalSender } from '../server/jobs/portal-sync.job';
import { parseBody } from '../server/schemas/validate';
import { intakeSchema } from '../server/schemas/dossier.schema';
import type { Config } from '../server/config';
import { PortalSimulator } from '../test/portal/simulator';
import { openMysql, openSqlite } from './db';
import { log, median, now, Settings, spread } from './lib';
import type { Report } from './report';
import { buildWorld, sixStepProcedure } from './world';

/** Transitions per walk: the receipt and three FORWARDs. */
const PER_WALK = 4;

export async function portalSuite(kind: 'sqlite' | 'mysql', s: Settings, report: Report): Promise<void> {
  const db =
    kind === 'sqlite'
      ? await openSqlite('portal')
      : await openMysql(s.mysqlUrl!, 'portal', s.mysqlPool, { keep: s.keep });
  const suite = kind === 'sqlite' ? 'SQLite' : 'MySQL';
  const info = report.suites.find((x) => x.name === suite) ?? report.suite(suite, db.version);
  const sim = new PortalSimulator();
  await sim.start();
  try {
    const w = await buildWorld(db);
    const k = db.knex;
    const off: Config = { ...w.config, PORTAL_URL: undefined };
    const on: Config = { ...w.config, PORTAL_URL: sim.url };
    const input = parseBody(intakeSchema, {
      procedureCode: sixStepProcedure().code,
      applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789', phone: '0912345678' },
      documents: ['DON', 'CCCD'],
    });
    /** One dossier received and forwarded three times; ms per transition. */
    const walk = async (config: Config) => {
      const t0 = now();
      const code = await receiveDossier(k, config, w.user, input);
      let version = 1;
      for (let i = 0; i < PER_WALK - 1; i++)
        version = (await applyDossierEvent(k, config, w.user, code, { type: 'FORWARD', version }, Date.now())).row
          .version;
      return (now() - t0) / PER_WALK;
    };
    const walks = async (config: Config, n: number) => {
      const xs: number[] = [];
      for (let i = 0; i < n; i++) xs.push(await walk(config));
      return median(xs);
    };

    // (a) the same walk without and with the sync, in the same round.
    await walks(off, 5);
    await walks(on, 5); // warm-up (and its messages join the queue of part b)
    const per = Math.max(20, Math.round(s.seconds * 20));
    const rounds: Array<{ off: number; on: number }> = [];
    for (let r = 0; r < s.rounds; r++) {
      const x = { off: 0, on: 0 };
      for (const which of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const))
        x[which] = await walks(which === 'on' ? on : off, per);
      rounds.push(x);
      log(`${suite} portal round ${r + 1}: ${x.off.toFixed(2)} ms off, ${x.on.toFixed(2)} ms on per transition`);
    }
    const ms = (name: string, pick: (x: (typeof rounds)[number]) => number) =>
      report.add({ suite, name, conc: 1, unit: 'ms', value: spread(rounds.map(pick)) });
    ms('portal: transition, sync off (median per transition)', (x) => x.off);
    ms('portal: transition, sync on (header + step queued)', (x) => x.on);
    report.ratio(
      suite,
      'ratio sync on / sync off',
      rounds.map((x) => x.on),
      rounds.map((x) => x.off),
      1,
    );

    // (b) the sender's throughput to the local simulator.
    const want = Math.round(Number(process.env.BENCH_PORTAL_MESSAGES) || 600);
    const count = async () => Number((await k('portal_outbox').count({ n: '*' }))[0].n);
    while ((await count()) < want) await walk(on);
    const total = await count();
    const pending = async () => Number((await k('portal_outbox').where('status', 'pending').count({ n: '*' }))[0].n);
    const deliver = async (concurrency: number) => {
      await k('portal_outbox').update({
        status: 'pending',
        attempts: 0,
        available_at: 0,
        locked_by: null,
        locked_until: null,
        sent_at: null,
        is_updating: null,
        response: null,
        last_error: null,
      });
      sim.reset();
      const sender = new PortalSender(k, {
        owner: `bench-${concurrency}`,
        url: sim.url,
        timeoutMs: 10_000,
        leaseMs: 60_000,
        baseDelayMs: 1_000,
        concurrency,
      });
      const t0 = now();
      while ((await pending()) > 0) await sender.drain(600_000);
      const secs = (now() - t0) / 1000;
      if (sim.messages.length !== total)
        throw new Error(`the simulator accepted ${sim.messages.length} of ${total} messages`);
      return total / secs;
    };
    /** The floor: the same number of bare POSTs of a queued body, one after another, no database. */
    const bodies = (await k('portal_outbox').orderBy('id').limit(total).pluck('payload')).map((p: string) =>
      JSON.stringify({ service: 'CapNhatTienDoHoSoMC', data: [JSON.parse(p)] }),
    );
    const floor = async () => {
      const t0 = now();
      for (const body of bodies) {
        const res = await fetch(sim.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.text();
      }
      return total / ((now() - t0) / 1000);
    };
    await deliver(4); // warm-up
    const rates: Record<string, number[]> = { floor: [], 1: [], 4: [] };
    for (let r = 0; r < s.rounds; r++) {
      rates.floor.push(await floor());
      for (const c of r % 2 === 0 ? [1, 4] : [4, 1]) rates[c].push(await deliver(c));
      log(
        `${suite} portal round ${r + 1}: messages/s ${Object.entries(rates)
          .map(([c, xs]) => `${c}: ${xs.at(-1)!.toFixed(0)}`)
          .join(', ')}`,
      );
    }
    report.add({
      suite,
      name: 'portal: bare POSTs to the simulator (floor, no database)',
      conc: 1,
      unit: 'req/s',
      value: spread(rates.floor),
    });
    for (const c of [1, 4])
      report.add({
        suite,
        name: 'portal: sender to a local simulator (op = message)',
        conc: c,
        unit: 'op/s',
        value: spread(rates[c]),
      });
    info.notes.push(
      `portal: ${per} walks (receipt + 3 FORWARDs) per configuration and round; sender: ${total} messages of ` +
        `${await k('portal_outbox')
          .countDistinct({ n: 'dossier_id' })
          .then((x) => x[0].n)} dossiers, simulator in-process`,
    );
  } finally {
    await sim.stop();
    await db.close();
  }
}
