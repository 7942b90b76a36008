import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Private keys at rest (design.md §10): AES-256-GCM under a key from SIGNING_KEY or, when it is unset,
 * from DATA_DIR/signing.key (32 random bytes, created once, mode 0600). Nothing here logs anything.
 */
export interface SecretBox {
  seal(plain: Buffer | string): string;
  /** The plain bytes, or null when the blob was sealed under another key or was changed. */
  open(sealed: string): Buffer | null;
}

const PREFIX = 'v1:';
const AAD = new TextEncoder().encode('motcua-signing-v1');

/** The file the key lives in when SIGNING_KEY is unset. */
export const KEY_FILE = 'signing.key';

function boxFor(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(AAD);
      const body = Buffer.concat([c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final()]);
      return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) return null;
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      if (raw.length < 28) return null;
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        d.setAAD(AAD);
        d.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]);
      } catch {
        return null;
      }
    },
  };
}

/** Read DATA_DIR/signing.key, creating it first if no process has (the first writer wins). */
function keyFromFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  const read = () => {
    const text = fs.readFileSync(file, 'utf8').trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) throw new Error(`${file}: không phải khóa 32 byte (base64)`);
    return key;
  };
  if (fs.existsSync(file)) return read();
  fs.mkdirSync(dataDir, { recursive: true });
  // Written whole under a temporary name, then linked into place: another process sees no file or a
  // complete one, never half of one; link() fails if someone else linked first.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return read();
}

const boxes = new Map<string, SecretBox>();

/** The box for this configuration (SIGNING_KEY, else the key file in DATA_DIR); cached per source. */
export function secretBox(config: { SIGNING_KEY?: string; dataDir: string }): SecretBox {
  const id = config.SIGNING_KEY
    ? `env:${crypto.createHash('sha256').update(config.SIGNING_KEY).digest('hex')}`
    : `file:${path.resolve(config.dataDir)}`;
  let box = boxes.get(id);
  if (!box) {
    const key = config.SIGNING_KEY
      ? Buffer.from(
          crypto.hkdfSync('sha256', Buffer.from(config.SIGNING_KEY, 'utf8'), Buffer.alloc(0), 'motcua-signing', 32),
        )
      : keyFromFile(config.dataDir);
    box = boxFor(key);
    boxes.set(id, box);
  }
  return box;
}
