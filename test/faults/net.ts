/** The fault suite's network pieces: a TCP proxy that can cut MariaDB off, a slow SMTP server, and mail accounting. */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { Received } from '../helpers/smtp';
import type { Knex } from 'knex';
import { onCleanup, waitFor } from './support';
// ---------------------------------------------------------------------------------------------
// A TCP proxy in front of MariaDB that can cut it off

export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  /**
   * 'up' forwards; 'refuse' is not listening (ECONNREFUSED, like a stopped server); 'reset' accepts and
   * resets at once; 'blackhole' holds every byte (a network partition: no error, no answer).
   */
  mode: 'up' | 'refuse' | 'reset' | 'blackhole' = 'up';
  port = 0;
  connections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  private link(pair: { client: net.Socket; upstream: net.Socket | null }) {
    const upstream = net.connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    const drop = () => {
      pair.client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    upstream.on('error', drop);
    upstream.on('close', drop);
    pair.client.on('close', drop);
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    pair.client.resume();
  }

  async start(port = 0): Promise<number> {
    this.server = net.createServer((client) => {
      this.connections++;
      if (this.mode === 'reset' || this.mode === 'refuse') {
        client.resetAndDestroy();
        return;
      }
      const pair = { client, upstream: null as net.Socket | null };
      this.pairs.add(pair);
      client.on('error', () => {
        client.destroy();
        pair.upstream?.destroy();
        this.pairs.delete(pair);
      });
      if (this.mode === 'blackhole')
        client.pause(); // accepted, never answered until up()
      else this.link(pair);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.mode = 'up';
    return this.port;
  }

  /**
   * The database goes away. 'refuse': every open connection is closed (RST when `hard`, else FIN) and
   * the port stops listening. 'reset': the same, but new connections are accepted and reset. 'blackhole':
   * connections stay open but nothing passes either way.
   */
  async down(how: 'refuse' | 'reset' | 'blackhole', hard = false): Promise<void> {
    this.mode = how;
    if (how === 'blackhole') {
      for (const p of this.pairs) {
        p.client.unpipe();
        p.upstream?.unpipe();
        p.client.pause();
        p.upstream?.pause();
      }
      return;
    }
    for (const p of [...this.pairs]) {
      if (hard) {
        p.client.resetAndDestroy();
        p.upstream?.resetAndDestroy();
      } else {
        p.client.destroy();
        p.upstream?.destroy();
      }
    }
    this.pairs.clear();
    if (how === 'refuse' && this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  /** Forward again, on the same port (a partition heals: held bytes flow on). */
  async up(): Promise<void> {
    const was = this.mode;
    this.mode = 'up';
    if (!this.server) await this.start(this.port);
    if (was === 'blackhole') {
      for (const p of this.pairs) {
        if (!p.upstream) this.link(p);
        else {
          p.client.pipe(p.upstream);
          p.upstream.pipe(p.client);
          p.client.resume();
          p.upstream.resume();
        }
      }
    }
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.pairs.clear();
    if (this.server) {
      const s = this.server;
      this.server = null;
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Mail accounting

/**
 * A real SMTP server that takes `delayMs` to accept each message (a tarpitting or overloaded relay),
 * keeping what it received like test/helpers/smtp.ts.
 */
export async function startSlowSmtp(delayMs: number) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const mail = await simpleParser(Buffer.concat(chunks));
        setTimeout(() => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          cb();
        }, delayMs);
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as net.AddressInfo).port;
  onCleanup(() => new Promise<void>((r) => server.close(() => r())));
  return { port, url: `smtp://127.0.0.1:${port}`, received };
}

/** Count the received messages per (recipient, subject). */
export function mailCounts(received: Received[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of received)
    for (const to of r.to) {
      const k = `${to.toLowerCase()}\u0000${r.mail.subject ?? ''}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  return m;
}

/** The (recipient, subject) keys of every `mail` row of the outbox, with the count of rows per key. */
export async function outboxMailKeys(
  knex: Knex,
): Promise<{ keys: Map<string, number>; byStatus: Record<string, number> }> {
  const rows = await knex('outbox').where({ kind: 'mail' }).select('payload', 'status');
  const keys = new Map<string, number>();
  const byStatus: Record<string, number> = {};
  for (const r of rows) {
    const p = JSON.parse(r.payload) as { to: string; subject: string };
    const k = `${p.to.toLowerCase()}\u0000${p.subject}`;
    keys.set(k, (keys.get(k) ?? 0) + 1);
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  }
  return { keys, byStatus };
}

/** What the outbox has done so far (rows per status and attempts): a progress probe for waits. */
export async function outboxProgress(knex: Knex): Promise<string[]> {
  const rows = (await knex('outbox')
    .select('status')
    .count({ n: '*' })
    .sum({ a: 'attempts' })
    .groupBy('status')) as unknown as Array<{ status: string; n: unknown; a: unknown }>;
  return rows.map((r) => `${r.status}:${Number(r.n)}:${Number(r.a ?? 0)}`).sort();
}

/**
 * Wait until the outbox holds nothing pending (every event expanded, every mail sent or failed).
 * `timeoutMs` is how long it may go without any row changing status: on a busy machine the drain is
 * slower, not stuck.
 */
export async function drainOutbox(knex: Knex, timeoutMs: number): Promise<void> {
  await waitFor(
    'the outbox to drain',
    async () => {
      const [{ n }] = await knex('outbox').where('status', 'pending').count<{ n: number }[]>({ n: '*' });
      return Number(n) === 0;
    },
    timeoutMs,
    250,
    () => outboxProgress(knex),
  );
}

/**
 * Compare what the SMTP server got with the outbox: every mail row arrived, nothing arrived that is
 * not in the outbox, and list the keys that arrived more than once.
 */
export async function compareMail(knex: Knex, received: Received[]) {
  const { keys, byStatus } = await outboxMailKeys(knex);
  const got = mailCounts(received);
  const missing: string[] = [];
  const duplicates: Array<{ key: string; times: number }> = [];
  const unexpected: string[] = [];
  for (const [k, rows] of keys) {
    const n = got.get(k) ?? 0;
    if (n < rows) missing.push(k.replace('\u0000', ' | '));
    if (n > rows) duplicates.push({ key: k.replace('\u0000', ' | '), times: n });
  }
  for (const k of got.keys()) if (!keys.has(k)) unexpected.push(k.replace('\u0000', ' | '));
  const rowsWithSameKey = [...keys.values()].filter((n) => n > 1).length;
  return {
    outboxMails: [...keys.values()].reduce((a, b) => a + b, 0),
    received: received.length,
    byStatus,
    missing,
    duplicates,
    unexpected,
    rowsWithSameKey,
  };
}

/** The distinct errors a server logged as "unhandled error" (its 500s): code and message, with counts. */
export function unhandledErrors(output: string): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.includes('unhandled error') && !line.includes('"level":50')) continue;
    try {
      const j = JSON.parse(line) as {
        msg?: string;
        err?: { code?: string; errno?: number; message?: string; type?: string };
      };
      const k = `${j.msg}: ${j.err?.type ?? ''} ${j.err?.code ?? ''} ${j.err?.errno ?? ''} ${(j.err?.message ?? '').slice(0, 120)}`;
      seen[k] = (seen[k] ?? 0) + 1;
    } catch {
      seen[line.slice(0, 160)] = (seen[line.slice(0, 160)] ?? 0) + 1;
    }
  }
  return seen;
}

/** A small report line for the console (the counts the brief asks for). */
export function report(title: string, data: Record<string, unknown>): void {
  console.log(`[faults] ${title}: ${JSON.stringify(data)}`);
}
