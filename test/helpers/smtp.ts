import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, ParsedMail } from 'mailparser';

export interface Received {
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on a free port that keeps what it receives; stop() and start() simulate outages. */
export async function startSmtp(port = 0) {
  const received: Received[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            mail: await simpleParser(Buffer.concat(chunks)),
          });
          cb();
        });
      },
    });
  let server = make();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    received,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
    },
    async start() {
      server = make();
      await new Promise<void>((r) => server.listen(actual, '127.0.0.1', () => r()));
    },
  };
}
