import fs from 'node:fs';
import path from 'node:path';
import type nodemailerType from 'nodemailer';
import { lazyModule } from '../lazy';

/** Loaded when the first mailer is made (the scheduler's; issue 17: memory). */
const nodemailer = lazyModule<typeof nodemailerType>('nodemailer', 'default');

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/**
 * SMTP when SMTP_URL is set; otherwise each message is written as an .eml file under
 * DATA_DIR/mail, so a demo or a test machine keeps every mail it would have sent.
 */
export function createMailer(opts: { smtpUrl?: string; from: string; dataDir: string }): Mailer {
  // The transport (and nodemailer) is made on the first mail, not when the process starts.
  let made: ReturnType<typeof nodemailer.createTransport> | undefined;
  if (opts.smtpUrl) {
    const smtpUrl = opts.smtpUrl;
    const transport = () => {
      if (made) return made;
      made = nodemailer.createTransport(smtpUrl, { from: opts.from });
      // Short timeouts: a dead server must fail the attempt quickly, not hold the scheduler.
      Object.assign(made.options as object, {
        connectionTimeout: 5000,
        greetingTimeout: 5000,
        socketTimeout: 10000,
      });
      return made;
    };
    return {
      send: async (m) => void (await transport().sendMail({ from: opts.from, ...m })),
      close: () => made?.close(),
    };
  }
  const dir = path.join(opts.dataDir, 'mail');
  return {
    async send(m) {
      made ??= nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const info = await made.sendMail({ from: opts.from, ...m });
      fs.mkdirSync(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      fs.writeFileSync(path.join(dir, name), info.message as Buffer);
    },
    close: () => undefined,
  };
}
