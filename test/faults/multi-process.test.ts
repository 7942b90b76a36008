/**
 * Fault 4: several server processes over one MariaDB database, each running its own scheduler
 * (design.md §9: sessions, tokens, sequences, leases and the outbox live in the database).
 * - they can be started together on an empty database;
 * - a mail is sent once, whichever process delivers it;
 * - an open dispatch reply past its due date is expired exactly once;
 * - a session signed in on one process is valid on every other (the session secret comes from the
 *   database's app_settings);
 * - a slow mail server does not make two processes send the same mail.
 */
import { checkConsistency } from './checks';
import { Load } from './load';
import { startSmtp } from '../helpers/smtp';
import net from 'node:net';
import { vnDate } from '../../workflows/calendar';
import {
  ADMIN_PASSWORD,
  baseEnv,
  buildWorld,
  cleanupAll,
  compareMail,
  createFaultDb,
  csrfFrom,
  describeMysql,
  drainOutbox,
  outboxProgress,
  http,
  intakeBody,
  launchServer,
  mergeCookies,
  onCleanup,
  report,
  signInForm,
  sleep,
  spawnServer,
  startSlowSmtp,
  tempDir,
  waitFor,
  World,
} from './support';

const DAY = 86_400_000;

/** A port nothing listens on (taken and released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** An issued dispatch from the district to every commune, its events sent through the given processes in turn. */
async function issueDispatch(urls: string[], w: World, n: number): Promise<number> {
  const url = (i: number) => urls[(n + i) % urls.length];
  const t = w.districtTokens;
  const created = await http(url(0), 'POST', '/api/v1/dispatches', {
    token: t.specialist,
    json: {
      title: `Xin ý kiến dự thảo số ${n}`,
      summary: 'Đề nghị các xã góp ý.',
      dueDate: vnDate(new Date(Date.now() + 10 * DAY)),
      recipientUnitCodes: w.communes.map((c) => c.code),
      silenceMeansAgreement: n % 2 === 0,
    },
  });
  if (created.status !== 201) throw new Error(`dispatch → ${created.status} ${created.text}`);
  const id = created.body.id as number;
  const steps: Array<[string, string]> = [
    [t.specialist, 'SUBMIT'],
    [t.leader, 'APPROVE'],
    [t.clerk, 'ISSUE'],
  ];
  for (const [i, [token, type]] of steps.entries()) {
    const r = await http(url(i + 1), 'POST', `/api/v1/dispatches/${id}/events`, {
      token,
      json: { type, version: i + 1 },
    });
    if (r.status !== 200) throw new Error(`${type} → ${r.status} ${r.text}`);
  }
  return id;
}

describeMysql('several processes over one MariaDB database', () => {
  afterAll(cleanupAll);

  it('three processes started at the same moment on an empty database all come up, with one admin and one session secret', async () => {
    const db = await createFaultDb('mysql', 'together');
    const env = baseEnv(tempDir('together'), db.url);
    const procs = [launchServer(env), launchServer(env), launchServer(env)];
    const outcomes = await Promise.all(
      procs.map((p) =>
        p.ready.then(
          () => 'started',
          (err: Error) => err.message.split('\n').slice(0, 2).join(' | '),
        ),
      ),
    );
    const admins = (await db.knex.schema.hasTable('users'))
      ? await db.knex('users').where({ username: 'admin' }).count<{ n: number }[]>({ n: '*' })
      : [{ n: 0 }];
    const secrets = (await db.knex.schema.hasTable('app_settings'))
      ? await db.knex('app_settings').where({ key: 'session_secret' }).pluck('value')
      : [];
    const lock = (await db.knex.schema.hasTable('knex_migrations_lock'))
      ? await db.knex('knex_migrations_lock').first('is_locked')
      : null;
    // Diagnosis for the report: does a single process started afterwards come up on that database?
    let laterStart = 'not tried';
    if (outcomes.some((o) => o !== 'started')) {
      const later = launchServer(env, { startTimeoutMs: 30_000 });
      laterStart = await later.ready.then(
        () => 'started',
        (err: Error) => err.message.split('\n').slice(0, 2).join(' | '),
      );
      await later.term();
    }
    report('simultaneous start', {
      outcomes,
      admins: Number(admins[0].n),
      secrets: secrets.length,
      migrationLockLeftHeld: Number(lock?.is_locked) === 1,
      laterStart,
    });
    expect(outcomes).toEqual(['started', 'started', 'started']);
    expect(Number(admins[0].n)).toBe(1);
    expect(secrets).toHaveLength(1);
    for (const p of procs) expect((await http(p.url, 'GET', '/healthz')).status).toBe(200);
    await Promise.all(procs.map((p) => p.term()));
  });

  // The two below run side by side: the second is mostly waiting for the 60 s outbox lease.
  it.concurrent('mail once, dispatch replies expired exactly once, a session from A valid on B and C', async () => {
    const started = Date.now();
    const db = await createFaultDb('mysql', 'multi');
    const smtp = await startSmtp();
    onCleanup(() => smtp.stop().catch(() => undefined));
    const env = baseEnv(tempDir('multi'), db.url, {
      SMTP_URL: smtp.url,
      JOB_INTERVAL_MS: '200',
      MAIL_RETRY_BASE_MS: '500',
    });
    const a = await spawnServer(env); // migrates the empty database
    const [b, c] = await Promise.all([spawnServer(env), spawnServer(env)]);
    const urls = [a.url, b.url, c.url];
    const w = await buildWorld(a.url, { communes: 3, mailCommunes: 2 });

    // Sessions: sign in through the form on A; the cookie works on B and C.
    const c1 = w.communes[0];
    const cookie = await signInForm(a.url, c1.users.specialist);
    const homes = await Promise.all(urls.map((u) => http(u, 'GET', '/', { cookie })));
    expect(homes.map((h) => h.status)).toEqual([200, 200, 200]);
    for (const h of homes) expect(h.text).toContain(c1.fullNames.specialist);
    // A form opened on B is accepted by C (CSRF token and session shared through the database).
    const loginB = await http(b.url, 'GET', '/dang-nhap');
    const postC = await http(c.url, 'POST', '/dang-nhap', {
      cookie: mergeCookies(undefined, loginB),
      form: { username: 'admin', password: ADMIN_PASSWORD, _csrf: csrfFrom(loginB.text) },
    });
    expect(postC.status).toBe(303);
    const adminOnA = await http(a.url, 'GET', '/quan-tri/don-vi', {
      cookie: mergeCookies(mergeCookies(undefined, loginB), postC),
    });
    expect(adminOnA.status).toBe(200);

    // Dispatches issued through the three processes, then made overdue in the database.
    const ids: number[] = [];
    for (let n = 0; n < 6; n++) ids.push(await issueDispatch(urls, w, n));
    // Mail load across the three processes meanwhile.
    const load = new Load(w, urls, { applicantEmail: 0.3 });
    const running = load.run(8, 4_000);
    await sleep(1_000);
    const yesterday = vnDate(new Date(Date.now() - DAY));
    await db.knex('dispatches').whereIn('id', ids).update({ due_date: yesterday });
    await waitFor(
      'every reply to expire',
      async () => {
        const open = await db
          .knex('dispatch_replies')
          .whereIn('dispatch_id', ids)
          .whereIn('state', ['received', 'assigned', 'pending_approval'])
          .count<{ n: number }[]>({ n: '*' });
        return Number(open[0].n) === 0;
      },
      120_000,
      200,
      // Progress: replies keep expiring (a loaded machine is slower, not stuck).
      async () =>
        (
          await db
            .knex('dispatch_replies')
            .whereIn('dispatch_id', ids)
            .whereIn('state', ['received', 'assigned', 'pending_approval'])
            .count<{ n: number }[]>({ n: '*' })
        )[0].n,
    );
    await running;
    const replies = await db
      .knex('dispatch_replies')
      .whereIn('dispatch_id', ids)
      .select('id', 'dispatch_id', 'state', 'version');
    const expires = await db
      .knex('dispatch_events')
      .whereIn('dispatch_id', ids)
      .where({ type: 'EXPIRE' })
      .select('reply_id', 'to_state');
    const perReply = new Map<number, number>();
    for (const e of expires) perReply.set(Number(e.reply_id), (perReply.get(Number(e.reply_id)) ?? 0) + 1);
    expect(replies).toHaveLength(ids.length * w.communes.length);
    expect(replies.filter((r) => perReply.get(Number(r.id)) !== 1)).toEqual([]);
    expect(replies.filter((r) => r.version !== 2)).toEqual([]);
    const dispatchById = new Map(
      (await db.knex('dispatches').whereIn('id', ids).select('id', 'silence_means_agreement')).map((d) => [
        Number(d.id),
        Boolean(d.silence_means_agreement),
      ]),
    );
    expect(
      replies.filter((r) => r.state !== (dispatchById.get(Number(r.dispatch_id)) ? 'deemed_agreed' : 'overdue')),
    ).toEqual([]);

    // Every mail delivered once, whichever process sent it.
    await drainOutbox(db.knex, 90_000);
    await sleep(500);
    const mail = await compareMail(db.knex, smtp.received);
    const check = await checkConsistency(db.knex, load, load.uncertain());
    const senders = await db.knex('outbox').where({ kind: 'mail', status: 'sent' }).count<{ n: number }[]>({ n: '*' });
    report('three processes', {
      requests: load.requests,
      byStatus: load.byStatus,
      ackedIntakes: load.ackedIntakes.size,
      ackedEvents: load.acknowledgedEvents,
      ackedChecked: check.ackedChecked,
      dispatches: ids.length,
      replies: replies.length,
      expireEvents: expires.length,
      mail: { ...mail, sent: Number(senders[0].n) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(check.problems).toEqual([]);
    expect(load.odd).toEqual([]);
    expect(mail.missing).toEqual([]);
    expect(mail.duplicates).toEqual([]);
    expect(mail.unexpected).toEqual([]);
    await Promise.all([a.term(), b.term(), c.term()]);
  });

  it.concurrent('a slow mail server (3.5 s a message): two processes never send the same mail twice', async () => {
    const db = await createFaultDb('mysql', 'slowsmtp');
    const smtp = await startSlowSmtp(3_500);
    // MAIL_LEASE_MS (default 60 s) at 10 s: longer than one slow send (3.5 s), so no lease runs out mid-send.
    const env = baseEnv(tempDir('slowsmtp'), db.url, {
      SMTP_URL: smtp.url,
      JOB_INTERVAL_MS: '200',
      MAIL_RETRY_BASE_MS: '500',
      MAIL_LEASE_MS: '10000',
    });
    // Queue 20 mails with a process whose SMTP is unreachable (it expands the events into mail rows and
    // fails each once), then make them all due now.
    const closed = await freePort();
    const setup = await spawnServer({ ...env, SMTP_URL: `smtp://127.0.0.1:${closed}`, MAIL_RETRY_BASE_MS: '600000' });
    const w = await buildWorld(setup.url, { communes: 1 });
    for (let i = 0; i < 10; i++) {
      const r = await http(setup.url, 'POST', '/api/v1/dossiers', {
        token: w.communes[0].tokens.intake,
        json: intakeBody(w, true),
      });
      expect(r.status).toBe(201);
    }
    await waitFor(
      'the 20 mails to be queued and tried once',
      async () => {
        const rows = await db.knex('outbox').select('kind', 'status', 'attempts');
        return (
          rows.filter((r) => r.kind === 'mail' && Number(r.attempts) === 1 && r.status === 'pending').length === 20 &&
          rows.every((r) => r.kind === 'mail' || r.status === 'done')
        );
      },
      120_000,
      100,
      () => outboxProgress(db.knex),
    );
    await setup.term();
    await db.knex('outbox').where({ kind: 'mail' }).update({ available_at: 0 });
    // One process starts sending (20 × 3.5 s = 70 s of work, longer than a lease); a second one starts
    // beside it. Rows are leased one at a time just before sending, so neither may resend the other's.
    const p1 = await spawnServer(env);
    await waitFor(
      'the first process to claim a mail',
      async () =>
        Number(
          (
            await db.knex('outbox').where({ kind: 'mail' }).whereNotNull('locked_by').count<{ n: number }[]>({ n: '*' })
          )[0].n,
        ) >= 1,
      120_000,
      50,
    );
    const t0 = Date.now();
    const p2 = await spawnServer(env);
    await drainOutbox(db.knex, 150_000);
    await sleep(4_000); // a message another process may still be handing over
    const mail = await compareMail(db.knex, smtp.received);
    report('slow smtp, two processes', { mail, drainSeconds: Math.round((Date.now() - t0) / 1000) });
    expect(mail.missing).toEqual([]);
    expect(mail.duplicates).toEqual([]);
    await Promise.all([p1.term(), p2.term()]);
  });
});
