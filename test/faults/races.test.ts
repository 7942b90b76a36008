/**
 * Fault 5: races against a real server process. A form submitted twice at once with the same version
 * (one success, the other told clearly, one event row); intakes in parallel (distinct, consecutive
 * codes); a dispatch issued several times at once (one winner, one number used). SQLite and MariaDB.
 */
import { vnDate } from '../../workflows/calendar';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  createFaultDb,
  csrfFrom,
  ENGINES,
  http,
  intakeBody,
  report,
  Res,
  ServerProc,
  signInForm,
  spawnServer,
  tempDir,
  World,
  FaultDb,
} from './support';

const DAY = 86_400_000;
const SUCCESS = 'Đã thực hiện: ';
const CONFLICT = 'Hồ sơ vừa được người khác cập nhật nên thao tác chưa được thực hiện';

describe.each(ENGINES)('races (%s)', (engine) => {
  let db: FaultDb;
  let srv: ServerProc;
  let w: World;

  beforeAll(async () => {
    db = await createFaultDb(engine, 'races');
    srv = await spawnServer(baseEnv(tempDir('races'), db.url));
    w = await buildWorld(srv.url, { communes: 3 });
  });
  afterAll(async () => {
    await srv?.term();
    await cleanupAll();
  });

  const intake = async (commune = 0) => {
    const r = await http(srv.url, 'POST', '/api/v1/dossiers', {
      token: w.communes[commune].tokens.intake,
      json: intakeBody(w, false),
    });
    expect(r.status).toBe(201);
    return r.body as { code: string; version: number };
  };
  const forwards = async (code: string) => {
    const d = await db.knex('dossiers').where({ code }).first('id', 'version', 'state');
    const rows = await db.knex('dossier_events').where({ dossier_id: d.id, type: 'FORWARD' }).select('dossier_version');
    return { version: Number(d.version), state: d.state as string, rows: rows.length };
  };
  const flashes = (html: string) =>
    [...html.matchAll(/<div class="flash flash-(\w+)"[^>]*>([^<]*)<\/div>/g)].map((m) => `${m[1]}: ${m[2]}`);

  it('the same action form posted twice at once from one browser: one event, both answered, and the page says it was done', async () => {
    const cookie = await signInForm(srv.url, w.communes[0].users.specialist);
    const trials: Array<{ statuses: number[]; eventRows: number; version: number; flashShown: string[] }> = [];
    for (let i = 0; i < 5; i++) {
      const { code } = await intake();
      const page = await http(srv.url, 'GET', `/ho-so/${code}`, { cookie });
      const form = { _csrf: csrfFrom(page.text), type: 'FORWARD', version: '1', comment: 'Chuyển xem xét' };
      const answers = await Promise.all(
        [1, 2].map(() => http(srv.url, 'POST', `/ho-so/${code}/thao-tac`, { cookie, form })),
      );
      const after = await forwards(code);
      // The browser follows the answer it got last; the flash messages live in the (shared) session.
      const next = await http(srv.url, 'GET', answers[1].headers.get('location') ?? `/ho-so/${code}`, { cookie });
      trials.push({
        statuses: answers.map((a) => a.status),
        eventRows: after.rows,
        version: after.version,
        flashShown: flashes(next.text),
      });
    }
    report(`double submit, one session ${engine}`, { trials });
    for (const t of trials) {
      expect(t.statuses).toEqual([303, 303]);
      expect(t.eventRows).toBe(1);
      expect(t.version).toBe(2);
    }
    // The action was done: the page the user lands on must say so, not only "chưa được thực hiện".
    const misleading = trials.filter((t) => !t.flashShown.some((f) => f.startsWith('success: ' + SUCCESS)));
    expect(misleading.map((t) => t.flashShown)).toEqual([]);
  });

  it('the same form posted at once from two sessions of one user: both are told it is done, one event', async () => {
    const { code } = await intake();
    const user = w.communes[0].users.specialist;
    const cookies = [await signInForm(srv.url, user), await signInForm(srv.url, user)];
    const pages = await Promise.all(cookies.map((cookie) => http(srv.url, 'GET', `/ho-so/${code}`, { cookie })));
    const answers: Res[] = await Promise.all(
      cookies.map((cookie, i) =>
        http(srv.url, 'POST', `/ho-so/${code}/thao-tac`, {
          cookie,
          form: { _csrf: csrfFrom(pages[i].text), type: 'FORWARD', version: '1' },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    const shown = await Promise.all(
      cookies.map(async (cookie, i) =>
        flashes((await http(srv.url, 'GET', answers[i].headers.get('location')!, { cookie })).text),
      ),
    );
    report(`double submit, two sessions ${engine}`, { statuses: answers.map((a) => a.status), flashShown: shown });
    const kinds = shown
      .map((s) =>
        s.some((f) => f.startsWith('success: ' + SUCCESS))
          ? 'success'
          : s.some((f) => f.startsWith('error: ' + CONFLICT))
            ? 'conflict'
            : 'none',
      )
      .sort();
    // The same person asked for the same action twice; it was done once, and both pages say so.
    expect(kinds).toEqual(['success', 'success']);
    expect(await forwards(code)).toEqual({ version: 2, state: 'check', rows: 1 });
  });

  it('the same API event sent 8 times at once with one version: one 200, seven 409, one event row', async () => {
    const { code } = await intake();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        http(srv.url, 'POST', `/api/v1/dossiers/${code}/events`, {
          token: w.communes[0].tokens.specialist,
          json: { type: 'FORWARD', version: 1 },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body.error.message).toMatch(/phiên bản hiện tại 2/);
    expect(await forwards(code)).toEqual({ version: 2, state: 'check', rows: 1 });
  });

  it('30 intakes at once at one unit: 30 distinct codes NNNN = 0001…0030, the counter at 30', async () => {
    const commune = w.communes[1];
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        http(srv.url, 'POST', '/api/v1/dossiers', { token: commune.tokens.intake, json: intakeBody(w, false) }),
      ),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const codes = answers.map((a) => a.body.code as string);
    expect(new Set(codes).size).toBe(30);
    const day = vnDate(new Date()).replace(/-/g, '').slice(2);
    const seqs = codes.map((c) => {
      const m = new RegExp(`^${commune.code.replace(/\./g, '\\.')}-(\\d{6})-(\\d{4})$`).exec(c);
      expect(m?.[1]).toBe(day);
      return Number(m![2]);
    });
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const counter = await db
      .knex('code_sequences')
      .where({ scope: `dossier:${commune.code}:${day}` })
      .first('last_value');
    expect(Number(counter.last_value)).toBe(30);
    report(`parallel intakes ${engine}`, { requests: 30, slowestMs: Math.max(...answers.map((a) => a.ms)) });
  });

  it('a dispatch issued 6 times at once: one 200, the others 409, one number used', async () => {
    const t = w.districtTokens;
    const make = async () => {
      const created = await http(srv.url, 'POST', '/api/v1/dispatches', {
        token: t.specialist,
        json: {
          title: 'Xin ý kiến về dự thảo',
          summary: 'Đề nghị góp ý.',
          dueDate: vnDate(new Date(Date.now() + 10 * DAY)),
          recipientUnitCodes: w.communes.map((c) => c.code),
        },
      });
      expect(created.status).toBe(201);
      expect(
        (
          await http(srv.url, 'POST', `/api/v1/dispatches/${created.body.id}/events`, {
            token: t.specialist,
            json: { type: 'SUBMIT', version: 1 },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await http(srv.url, 'POST', `/api/v1/dispatches/${created.body.id}/events`, {
            token: t.leader,
            json: { type: 'APPROVE', version: 2 },
          })
        ).status,
      ).toBe(200);
      return created.body.id as number;
    };
    const id = await make();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        http(srv.url, 'POST', `/api/v1/dispatches/${id}/events`, {
          token: t.clerk,
          json: { type: 'ISSUE', version: 3 },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    report(`parallel ISSUE ${engine}`, { statuses });
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200 && s !== 409 && s !== 422)).toEqual([]);
    const d = await db
      .knex('dispatches')
      .where({ id })
      .first('number', 'state', 'version', 'issuing_unit_id', 'number_year');
    expect(d).toMatchObject({ number: `01/${w.districtSymbol}`, state: 'issued', version: 4 });
    expect(
      await db
        .knex('dispatch_events')
        .where({ dispatch_id: id, type: 'ISSUE' })
        .count<{ n: number }[]>({ n: '*' })
        .then((r) => Number(r[0].n)),
    ).toBe(1);
    expect(
      await db
        .knex('dispatch_replies')
        .where({ dispatch_id: id })
        .count<{ n: number }[]>({ n: '*' })
        .then((r) => Number(r[0].n)),
    ).toBe(w.communes.length);
    const counter = await db
      .knex('code_sequences')
      .where({ scope: `dispatch:${d.issuing_unit_id}:${d.number_year}` })
      .first('last_value');
    expect(Number(counter.last_value)).toBe(1);
    // The next one gets 02: no number was used up by the losers.
    const id2 = await make();
    const second = await http(srv.url, 'POST', `/api/v1/dispatches/${id2}/events`, {
      token: t.clerk,
      json: { type: 'ISSUE', version: 3 },
    });
    expect(second.status).toBe(200);
    expect(second.body.number).toBe(`02/${w.districtSymbol}`);
  });
});
