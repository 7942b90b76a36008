import fs from 'node:fs';
import path from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Tinos (metric-compatible with Times New Roman, full Vietnamese) for the stamps and signature
 * appearances, embedded as subsets. The TTFs are read and parsed once per process: pdf-lib asks
 * fontkit to parse the bytes on every embed, which costs more than the rest of a signature.
 */
const FONT_DIR = path.join(path.dirname(require.resolve('@expo-google-fonts/tinos/package.json')));
const FILES = {
  regular: '400Regular/Tinos_400Regular.ttf',
  bold: '700Bold/Tinos_700Bold.ttf',
  italic: '400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '700Bold_Italic/Tinos_700Bold_Italic.ttf',
} as const;
export type FontStyle = keyof typeof FILES;

interface CachedFont {
  getGlyph(id: number, codePoints?: number[]): { codePoints?: number[] };
  createSubset(): Subset;
}
interface Subset {
  glyf: Uint8Array[];
  offset: number;
  _addGlyph(gid: number): number;
}

const padded = new WeakSet<object>();

/**
 * fontkit's TrueType subset concatenates glyphs as they are and then picks the short `loca` format
 * (offsets stored halved) when the table is small: a glyph of odd length shifts every later glyph
 * by one byte and viewers draw nothing for them (Tinos has such glyphs: poppler showed blank text).
 * Each glyph is padded to an even length, as the format requires.
 */
function padGlyphs<F extends CachedFont>(font: F): F {
  if (padded.has(font)) return font;
  padded.add(font);
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const sub = createSubset();
    const add = sub._addGlyph.bind(sub);
    sub._addGlyph = (gid: number) => {
      const i = add(gid);
      const buf = sub.glyf[i];
      if (buf.length % 2) {
        // Same buffer class as fontkit's own (its stream refuses others).
        const out = new (buf.constructor as new (n: number) => Uint8Array)(buf.length + 1);
        out.set(buf, 0);
        out[buf.length] = 0;
        sub.glyf[i] = out;
        sub.offset += 1;
      }
      return i;
    };
    return sub;
  };
  return font;
}

const bytes = new Map<FontStyle, Buffer>();
const parsed = new Map<Buffer, unknown>();

/** fontkit, with the parse of our own font files remembered and subsets that viewers can draw. */
export const cachingFontkit = {
  create(data: Uint8Array, postscriptName?: string) {
    const hit = parsed.get(data as Buffer);
    if (hit) return hit;
    const font = fontkit.create(data as Buffer, postscriptName) as unknown as CachedFont;
    if ([...bytes.values()].includes(data as Buffer)) {
      // fontkit caches glyph objects; a glyph first met as a component of a composite (the "U" in
      // "Ủ", while subsetting) is cached without its code point, and a later document's ToUnicode
      // map would lose that letter. A lookup by character restores it.
      const getGlyph = font.getGlyph.bind(font);
      font.getGlyph = (id, codePoints) => {
        const g = getGlyph(id, codePoints);
        if (codePoints?.length && !g.codePoints?.length) g.codePoints = codePoints;
        return g;
      };
      parsed.set(data as Buffer, font);
    }
    return padGlyphs(font);
  },
};

function fontBytes(style: FontStyle): Buffer {
  let b = bytes.get(style);
  if (!b) {
    b = fs.readFileSync(path.join(FONT_DIR, FILES[style]));
    bytes.set(style, b);
  }
  return b;
}

/** Embed the fonts a drawing needs (subset: only the glyphs used end up in the file). */
export async function embedFonts<S extends FontStyle>(doc: PDFDocument, styles: S[]): Promise<Record<S, PDFFont>> {
  doc.registerFontkit(cachingFontkit as never);
  const out = {} as Record<S, PDFFont>;
  for (const s of styles) out[s] = await doc.embedFont(fontBytes(s), { subset: true });
  return out;
}
