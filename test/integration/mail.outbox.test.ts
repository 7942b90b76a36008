import { createHash } from 'node:crypto';
import request from 'supertest';
import { ENGINES, createTestDb } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { startSmtp } from '../helpers/smtp';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';
import { OutboxWorker } from '../../server/jobs/outbox.job';
import { createMailer } from '../../server/mail/mailer';
import { createDb } from '../../server/db';

describe.each(ENGINES)('mail through the outbox and a real SMTP server on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let worker: OutboxWorker;

  const drain = async (rounds = 4) => {
    for (let i = 0; i < rounds; i++) await worker.tick();
  };
  const emailOf = async (token: string) => {
    const id = (
      await t.tdb
        .db('api_tokens')
        .join('users', 'users.id', 'api_tokens.user_id')
        .whereNotNull('users.email')
        .select('users.email', 'api_tokens.token_hash')
    ).find((r) => r.token_hash === createHash('sha256').update(token).digest('hex'));
    return id.email as string;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await buildTestApp(engine, { SMTP_URL: smtp.url });
    w = await buildWorld(t.app, t.tdb.db);
    await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
    worker = new OutboxWorker(
      t.tdb.db,
      createMailer({ smtpUrl: smtp.url, from: 'Một Cửa <noreply@test.vn>', dataDir: t.ctx.config.dataDir }),
      { owner: 'w1', publicUrl: 'http://mc.test', baseDelayMs: 10 },
    );
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('a transition sends exactly one "new work" mail to the people of the next step, and the applicant hears of the result', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: { fullName: 'Lê Thị Dân', email: 'dan@example.vn' } });
    await drain();
    const specialist = await emailOf(w.tokens.specialist);
    expect(smtp.received.filter((r) => r.to.includes(specialist))).toHaveLength(1);
    const receipt = smtp.received.filter((r) => r.to.includes('dan@example.vn'));
    expect(receipt).toHaveLength(1);
    expect(receipt[0].mail.subject).toBe(`[Một Cửa] Đã tiếp nhận hồ sơ – ${d.code}`);
    expect(receipt[0].mail.text).toContain('Ngày hẹn trả kết quả');
    expect(receipt[0].mail.text).toContain(`http://mc.test/tra-cuu?ma=${encodeURIComponent(d.code)}`);
    smtp.received.length = 0;

    await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    await drain();
    const head = await emailOf(w.tokens.head);
    expect(smtp.received.map((r) => r.to)).toEqual([[head]]);
    expect(smtp.received[0].mail.subject).toBe(`[Một Cửa] Hồ sơ ${d.code} chờ xử lý`);
    expect(smtp.received[0].mail.text).toContain('Xem xét, trình ký');
    expect(smtp.received[0].mail.html).toContain(`http://mc.test/ho-so/${encodeURIComponent(d.code)}`);
    smtp.received.length = 0;

    const sup = await send(t.app, w.tokens.head, d.code, {
      type: 'REQUEST_SUPPLEMENT',
      version: 2,
      comment: 'Bổ sung bản chính quyết định',
    });
    expect(sup.status).toBe(200);
    await drain();
    const toApplicant = smtp.received.filter((r) => r.to.includes('dan@example.vn'));
    expect(toApplicant).toHaveLength(1);
    expect(toApplicant[0].mail.text).toContain('Bổ sung bản chính quyết định');
    const intake = await emailOf(w.tokens.intake);
    expect(smtp.received.filter((r) => r.to.includes(intake))).toHaveLength(1);
  });

  it('with the SMTP server down the transition succeeds, and the mail arrives once it is back', async () => {
    const d = await receive(t.app, w, '1.000775');
    await drain();
    smtp.received.length = 0;
    await smtp.stop();
    const res = await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    expect(res.status).toBe(200);
    await drain(2);
    const pending = await t.tdb.db('outbox').where({ kind: 'mail', status: 'pending' }).where('attempts', '>', 0);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending[0].last_error).toBeTruthy();
    await smtp.start();
    await new Promise((r) => setTimeout(r, 50));
    await drain(3);
    const head = await emailOf(w.tokens.head);
    expect(smtp.received.filter((r) => r.to.includes(head) && r.mail.subject?.includes(d.code))).toHaveLength(1);
    expect(await t.tdb.db('outbox').where({ status: 'pending' })).toHaveLength(0);
  });

  it('after the last attempt a mail is marked failed, and an admin resend delivers it', async () => {
    const quick = new OutboxWorker(
      t.tdb.db,
      createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'x@test.vn', dataDir: t.ctx.config.dataDir }),
      { owner: 'dead', publicUrl: 'http://mc.test', baseDelayMs: 1, maxAttempts: 2 },
    );
    const [id] = await t.tdb.db('outbox').insert({
      kind: 'mail',
      payload: JSON.stringify({ to: 'x@example.vn', subject: 'Thử', text: 'a', html: '<p>a</p>' }),
      status: 'pending',
      attempts: 0,
      available_at: Date.now(),
      created_at: Date.now(),
    });
    for (let i = 0; i < 3; i++) {
      await quick.tick();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await t.tdb.db('outbox').where({ id }).first()).status).toBe('failed');
    const { resendMail } = await import('../../server/jobs/outbox.job');
    expect(await resendMail(t.tdb.db, Number(id))).toBe(true);
    smtp.received.length = 0;
    await drain(1);
    expect(smtp.received.map((r) => r.to)).toEqual([['x@example.vn']]);
  });
});

const mysqlOnly = process.env.TEST_MYSQL_URL ? describe : describe.skip;
mysqlOnly('two schedulers over one MariaDB', () => {
  it('deliver each mail exactly once', async () => {
    const smtp = await startSmtp();
    const tdb = await createTestDb('mysql');
    const second = createDb(tdb.url);
    try {
      const now = Date.now();
      const rows = Array.from({ length: 40 }, (_, i) => ({
        kind: 'mail',
        payload: JSON.stringify({ to: `u${i}@example.vn`, subject: `Thư ${i}`, text: 't', html: '<p>t</p>' }),
        status: 'pending',
        attempts: 0,
        available_at: now,
        created_at: now,
      }));
      await tdb.db('outbox').insert(rows);
      const mk = (db: typeof second, owner: string) =>
        new OutboxWorker(db, createMailer({ smtpUrl: smtp.url, from: 'a@test.vn', dataDir: '/tmp' }), {
          owner,
          publicUrl: 'http://x',
          batch: 7,
        });
      const a = mk(tdb.db, 'proc-a');
      const b = mk(second, 'proc-b');
      for (let i = 0; i < 10; i++) await Promise.all([a.tick(), b.tick()]);
      const to = smtp.received.flatMap((r) => r.to).sort();
      expect(to).toHaveLength(40);
      expect(new Set(to).size).toBe(40);
      const owners = await tdb.db('outbox').where({ status: 'sent' }).count({ n: '*' });
      expect(Number(owners[0].n)).toBe(40);
    } finally {
      await second.destroy();
      await tdb.destroy();
      await smtp.stop();
    }
  });
});
