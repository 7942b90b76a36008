import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type fontkitType from '@pdf-lib/fontkit';
import { lazyModule } from '../lazy';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Tinos: the Times New Roman–metric serif of Decree 30/2020 documents, with every Vietnamese glyph,
 * shipped from the npm registry (@expo-google-fonts/tinos), so `npm ci` is the only install.
 * Embedded as subsets (only the glyphs a document uses), named "ABCDEF+Tinos-…" as PDF subsets are.
 */
export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

export const FONT_STYLES: readonly FontStyle[] = ['regular', 'bold', 'italic', 'boldItalic'];

const FILES: Record<FontStyle, string> = {
  regular: '@expo-google-fonts/tinos/400Regular/Tinos_400Regular.ttf',
  bold: '@expo-google-fonts/tinos/700Bold/Tinos_700Bold.ttf',
  italic: '@expo-google-fonts/tinos/400Regular_Italic/Tinos_400Regular_Italic.ttf',
  boldItalic: '@expo-google-fonts/tinos/700Bold_Italic/Tinos_700Bold_Italic.ttf',
};

const NAMES: Record<FontStyle, string> = {
  regular: 'Tinos-Regular',
  bold: 'Tinos-Bold',
  italic: 'Tinos-Italic',
  boldItalic: 'Tinos-BoldItalic',
};

/** Loaded on the first PDF drawn (issue 17: memory). */
const fontkit = lazyModule<typeof fontkitType>('@pdf-lib/fontkit', 'default');
type FontkitFont = ReturnType<typeof fontkitType.create>;

interface Loaded {
  bytes: Buffer;
  font: FontkitFont;
}

const loaded = new Map<FontStyle, Loaded>();

interface SubsetInternals {
  glyf: Uint8Array[];
  offset: number;
  _addGlyph(gid: number): number;
}

/**
 * fontkit's TrueType subsetter copies each glyph's bytes as they are and then writes a short-format
 * `loca` (offsets / 2) when the subset is small; Tinos' glyphs have odd lengths, so every glyph after an
 * odd one was read from the wrong place (letters missing on the page). Pad each glyph to 4 bytes, as
 * the TrueType specification recommends.
 */
function padGlyphs(font: FontkitFont): FontkitFont {
  const create = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = create();
    const s = subset as unknown as SubsetInternals;
    const add = s._addGlyph.bind(s);
    s._addGlyph = (gid: number) => {
      const index = add(gid);
      const buf = s.glyf[index];
      const pad = (4 - (buf.length % 4)) % 4;
      if (pad) {
        // the same Buffer class as fontkit's (its bundled one), which its encoder insists on
        const padded = (buf.constructor as typeof Buffer).alloc(buf.length + pad);
        padded.set(buf);
        s.glyf[index] = padded;
        s.offset += pad;
      }
      return index;
    };
    return subset;
  };
  return font;
}

interface GlyphInternals {
  codePoints?: number[];
}

/**
 * fontkit caches glyphs by id; a glyph first met as a component of a composite while subsetting (the
 * "U" of "Ủ") is cached without its code point, and a later document's ToUnicode map (which text
 * extraction and search rely on) would lose that letter. A lookup by character restores it.
 */
function keepCodePoints(font: FontkitFont): FontkitFont {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = ((id: number, codePoints?: number[]) => {
    const g = getGlyph(id, codePoints) as unknown as GlyphInternals;
    if (codePoints?.length && !g.codePoints?.length) g.codePoints = codePoints;
    return g;
  }) as unknown as FontkitFont['getGlyph'];
  return font;
}

/**
 * Shaping a string (fontkit's layout, run for every width and every drawn word) is the slow part of
 * a document; the same words recur (in a document and between documents), so remember the runs.
 * pdf-lib only reads a run's glyphs.
 */
function memoLayout(font: FontkitFont): FontkitFont {
  const layout = font.layout.bind(font);
  const runs = new Map<string, ReturnType<FontkitFont['layout']>>();
  font.layout = ((text: string, features?: unknown) => {
    if (features !== undefined) return layout(text, features as never);
    let run = runs.get(text);
    if (!run) {
      run = layout(text);
      if (runs.size > 20_000) runs.clear();
      runs.set(text, run);
    }
    return run;
  }) as FontkitFont['layout'];
  return font;
}

/** The font file of a style, read and parsed once per process (resolved through node_modules, so it works from dist/). */
function load(style: FontStyle): Loaded {
  let l = loaded.get(style);
  if (!l) {
    const bytes = fs.readFileSync(require.resolve(FILES[style]));
    l = { bytes, font: memoLayout(keepCodePoints(padGlyphs(fontkit.create(bytes)))) };
    loaded.set(style, l);
  }
  return l;
}

/** The raw TTF bytes of a style (cached). */
export function fontBytes(style: FontStyle): Buffer {
  return load(style).bytes;
}

export type Fonts = Record<FontStyle, PDFFont>;

/** "ABCDEF": the six upper-case letters a subset font's name starts with. */
function subsetTag(): string {
  return Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

/**
 * Embed Tinos styles in a document (all four unless named), as subsets: only the glyphs drawn end up
 * in the file. Used by the layouts here and by the signature appearances (server/signing). The parsed fonts are shared between
 * documents (pdf-lib asks its fontkit for a font per embedding; ours hands back the cached one).
 */
export async function embedFonts<S extends FontStyle = FontStyle>(
  doc: PDFDocument,
  styles: readonly S[] = FONT_STYLES as readonly S[],
): Promise<Record<S, PDFFont>> {
  const out = {} as Record<S, PDFFont>;
  for (const style of styles) {
    const l = load(style);
    doc.registerFontkit({ create: () => l.font } as unknown as typeof fontkitType);
    out[style] = await doc.embedFont(l.bytes, { subset: true, customName: `${subsetTag()}+${NAMES[style]}` });
  }
  doc.registerFontkit(fontkit);
  return out;
}

/** Read and parse the four styles now (e.g. at start-up), so the first document does not pay for it. */
export function preloadFonts(): void {
  for (const style of FONT_STYLES) load(style);
}
