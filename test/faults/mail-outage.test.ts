/**
 * Fault 3: the mail server is down for a while. Every action still succeeds at once (mail goes through
 * the outbox, never inline); the scheduler retries with back-off (MAIL_RETRY_BASE_MS, set small here);
 * when SMTP is back every mail arrives, once. Runs on SQLite and on MariaDB.
 */
import { startSmtp } from '../helpers/smtp';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  compareMail,
  createFaultDb,
  csrfFrom,
  drainOutbox,
  ENGINES,
  http,
  intakeBody,
  onCleanup,
  report,
  signInForm,
  sleep,
  spawnServer,
  STEP_ROLE,
  tempDir,
  waitFor,
} from './support';

describe.each(ENGINES)('SMTP outage (%s)', (engine) => {
  afterAll(cleanupAll);

  it('actions succeed while SMTP is down; every mail arrives once when it is back', async () => {
    const db = await createFaultDb(engine, 'smtp');
    const smtp = await startSmtp();
    let smtpUp = true;
    onCleanup(() => (smtpUp ? smtp.stop() : undefined));
    const srv = await spawnServer(
      baseEnv(tempDir('smtp'), db.url, { SMTP_URL: smtp.url, JOB_INTERVAL_MS: '200', MAIL_RETRY_BASE_MS: '200' }),
    );
    const w = await buildWorld(srv.url, { communes: 1 });
    const c = w.communes[0];
    const cookie = await signInForm(srv.url, c.users.specialist);
    // Mail from the set-up (none yet: no dossier) — start from a clean count.
    await drainOutbox(db.knex, 20_000);

    await smtp.stop();
    smtpUp = false;
    const outageStart = Date.now();

    // Every kind of action, while mail cannot go out: intakes, every step, and a form action.
    const latencies: number[] = [];
    const statuses: number[] = [];
    const codes: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const r = await http(srv.url, 'POST', '/api/v1/dossiers', { token: c.tokens.intake, json: intakeBody(w) });
        latencies.push(r.ms);
        statuses.push(r.status);
        if (r.status === 201) codes.push(r.body.code);
      }),
    );
    let steps = 0;
    for (const code of codes.slice(1)) {
      let d = (await http(srv.url, 'GET', `/api/v1/dossiers/${code}`, { token: c.tokens.intake })).body;
      while (d.state in STEP_ROLE) {
        const r = await http(srv.url, 'POST', `/api/v1/dossiers/${code}/events`, {
          token: c.tokens[STEP_ROLE[d.state]],
          json: { type: 'FORWARD', version: d.version },
        });
        latencies.push(r.ms);
        statuses.push(r.status);
        if (r.status !== 200) break;
        d = r.body;
        steps++;
      }
    }
    const page = await http(srv.url, 'GET', `/ho-so/${codes[0]}`, { cookie });
    const form = await http(srv.url, 'POST', `/ho-so/${codes[0]}/thao-tac`, {
      cookie,
      form: { _csrf: csrfFrom(page.text), type: 'FORWARD', version: '1' },
    });
    latencies.push(form.ms);
    statuses.push(form.status);

    expect(statuses.filter((s) => ![200, 201, 303].includes(s))).toEqual([]);
    // Actions do not wait for the mail server: the slowest one is in the report line; only a hang
    // (an action waiting on SMTP until the client gives up) fails here, not a busy machine.
    expect(Math.max(...latencies)).toBeLessThan(25_000);
    expect(codes).toHaveLength(8);

    // While it is down: the mails wait in the outbox and are being retried, none lost, none sent.
    await waitFor(
      'failed attempts to be recorded',
      async () => {
        const rows = await db.knex('outbox').where({ kind: 'mail' }).select('status', 'attempts', 'last_error');
        return (
          rows.length > 0 &&
          rows.every((r) => r.status === 'pending') &&
          rows.filter((r) => Number(r.attempts) >= 3 && r.last_error).length >= rows.length / 2
        );
      },
      90_000,
      200,
    );
    await sleep(Math.max(0, 6_000 - (Date.now() - outageStart)));
    const during = await db.knex('outbox').where({ kind: 'mail' }).select('status', 'attempts');
    expect(during.every((r) => r.status === 'pending')).toBe(true);
    expect(smtp.received).toHaveLength(0);

    // Back: everything goes out, once.
    await smtp.start();
    smtpUp = true;
    const backAt = Date.now();
    await drainOutbox(db.knex, 60_000);
    const drainedMs = Date.now() - backAt;
    await sleep(300);
    const mail = await compareMail(db.knex, smtp.received);
    const sent = await db
      .knex('outbox')
      .where({ kind: 'mail' })
      .select('attempts', 'sent_at', 'available_at', 'created_at');
    report(`smtp outage ${engine}`, {
      actions: statuses.length,
      intakes: codes.length,
      forwards: steps + 1,
      slowestActionMs: Math.max(...latencies),
      outageMs: backAt - outageStart,
      attemptsDuringOutage: during.map((r) => Number(r.attempts)).sort((a, b) => a - b),
      deliveredWithinMsAfterBack: drainedMs,
      sentAfterBackMs: sent.map((r) => Number(r.sent_at) - backAt).sort((a, b) => a - b),
      attemptsAtEnd: sent.map((r) => Number(r.attempts)).sort((a, b) => a - b),
      mail,
    });
    expect(mail.rowsWithSameKey).toBe(0);
    expect(mail.missing).toEqual([]);
    expect(mail.duplicates).toEqual([]);
    expect(mail.unexpected).toEqual([]);
    expect(mail.byStatus).toEqual({ sent: mail.outboxMails });
    expect(mail.outboxMails).toBeGreaterThanOrEqual(8 * 2 + steps);
    await srv.term();
  });
});
