import crypto from 'node:crypto';
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFRef,
  PDFStream,
} from 'pdf-lib';

/**
 * An incremental update (ISO 32000-1 §7.5.6): the original bytes untouched, then only the objects
 * added or changed, a new cross-reference section and a trailer with /Prev. Every signature made
 * over the earlier bytes stays valid. pdf-lib reads and composes the objects; it cannot save this
 * way, so this module serialises the difference itself.
 *
 * Input: a PDF with a classic cross-reference table (pdf-lib saves with useObjectStreams:false), or
 * one already updated this way.
 */
export class IncrementalDoc {
  /** What each original object looked like when loaded: an object that differs at save is written again. */
  private readonly before = new Map<PDFRef, { obj: PDFObject; text: string }>();
  /** Objects written verbatim (the signature dictionary, whose bytes are patched after layout). */
  private readonly raw = new Map<PDFRef, string>();

  private constructor(
    readonly bytes: Buffer,
    readonly doc: PDFDocument,
  ) {
    for (const [ref, obj] of doc.context.enumerateIndirectObjects())
      this.before.set(ref, { obj, text: fingerprint(obj) });
  }

  static async load(bytes: Buffer): Promise<IncrementalDoc> {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    return new IncrementalDoc(bytes, doc);
  }

  /** A new object whose body this caller writes itself (placed in the update as given). */
  rawObject(body: string): PDFRef {
    const ref = this.doc.context.nextRef();
    // Something in the context so nothing else takes the number; its bytes come from `raw`.
    this.doc.context.assign(ref, PDFDict.withContext(this.doc.context));
    this.raw.set(ref, body);
    return ref;
  }

  /** The objects the update carries: new ones, and original ones that changed. */
  private changed(): Array<[PDFRef, PDFObject]> {
    const out: Array<[PDFRef, PDFObject]> = [];
    for (const [ref, obj] of this.doc.context.enumerateIndirectObjects()) {
      const was = this.before.get(ref);
      if (!was || was.obj !== obj || was.text !== fingerprint(obj) || this.raw.has(ref)) out.push([ref, obj]);
    }
    return out.sort((a, b) => a[0].objectNumber - b[0].objectNumber);
  }

  /**
   * The original bytes plus the update. `sigRef`, when given, is a raw object holding a
   * `/ByteRange [0 ********** ********** **********]` and `/Contents <00…>` placeholder: the ByteRange is
   * filled in and `fill(signedBytes)` gives the DER that goes into Contents.
   */
  async save(sig?: { ref: PDFRef; fill: (signed: Buffer) => Promise<Buffer> }): Promise<Buffer> {
    await this.doc.flush();
    const parts: Buffer[] = [this.bytes];
    let offset = this.bytes.length;
    const push = (b: Buffer) => {
      parts.push(b);
      offset += b.length;
    };
    const last = this.bytes[this.bytes.length - 1];
    if (last !== 0x0a && last !== 0x0d) push(Buffer.from('\n'));

    const entries: Array<{ num: number; gen: number; at: number }> = [];
    let sigAt = -1;
    for (const [ref, obj] of this.changed()) {
      entries.push({ num: ref.objectNumber, gen: ref.generationNumber, at: offset });
      const head = `${ref.objectNumber} ${ref.generationNumber} obj\n`;
      const raw = this.raw.get(ref);
      let body: Buffer;
      if (raw !== undefined) {
        body = Buffer.from(raw, 'latin1');
        if (sig && ref === sig.ref) sigAt = offset + head.length;
      } else {
        body = Buffer.alloc(obj.sizeInBytes());
        obj.copyBytesInto(body, 0);
      }
      push(Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]));
    }

    const xrefAt = offset;
    let xref = 'xref\n';
    for (let i = 0; i < entries.length;) {
      let j = i;
      while (j + 1 < entries.length && entries[j + 1].num === entries[j].num + 1) j++;
      xref += `${entries[i].num} ${j - i + 1}\n`;
      for (let k = i; k <= j; k++)
        xref += `${String(entries[k].at).padStart(10, '0')} ${String(entries[k].gen).padStart(5, '0')} n\r\n`;
      i = j + 1;
    }
    const ctx = this.doc.context;
    const { Root, Info, ID } = ctx.trailerInfo;
    const trailer = PDFDict.withContext(ctx);
    trailer.set(PDFName.of('Size'), PDFNumber.of(ctx.largestObjectNumber + 1));
    if (Root) trailer.set(PDFName.of('Root'), Root);
    if (Info) trailer.set(PDFName.of('Info'), Info);
    trailer.set(PDFName.of('Prev'), PDFNumber.of(previousXref(this.bytes)));
    // The file's identity stays; the second element says this revision differs.
    const first = ID instanceof PDFArray ? ID.get(0) : null;
    const id = PDFArray.withContext(ctx);
    const fresh = PDFHexString.of(crypto.randomBytes(16).toString('hex'));
    id.push(first ?? fresh);
    id.push(fresh);
    trailer.set(PDFName.of('ID'), id);
    push(Buffer.from(`${xref}trailer\n${trailer.toString()}\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));

    const out = Buffer.concat(parts);
    if (!sig) return out;
    if (sigAt < 0) throw new Error('signature object not written');
    return fillSignature(out, sigAt, sig.fill);
  }
}

/** Strings compared to tell whether an original object changed (a stream by its dictionary: contents are never edited in place). */
function fingerprint(obj: PDFObject): string {
  return obj instanceof PDFStream ? `stream ${obj.dict.toString()}` : obj.toString();
}

/** The offset the last `startxref` names. */
function previousXref(bytes: Buffer): number {
  const tail = bytes.subarray(Math.max(0, bytes.length - 2048)).toString('latin1');
  const m = /startxref\s+(\d+)\s*%%EOF\s*$/.exec(tail) ?? /startxref\s+(\d+)(?![\s\S]*startxref)/.exec(tail);
  if (!m) throw new Error('no startxref');
  return Number(m[1]);
}

export const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 ********** ********** **********]';

async function fillSignature(out: Buffer, from: number, fill: (signed: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const br = out.indexOf(BYTE_RANGE_PLACEHOLDER, from, 'latin1');
  const open = out.indexOf('/Contents <', from, 'latin1') + '/Contents '.length;
  const close = out.indexOf('>', open);
  if (br < 0 || open < '/Contents '.length || close < 0) throw new Error('signature placeholder not found');
  const contentsEnd = close + 1;
  const range = `/ByteRange [0 ${open} ${contentsEnd} ${out.length - contentsEnd}]`;
  if (range.length > BYTE_RANGE_PLACEHOLDER.length) throw new Error('file too large for the ByteRange placeholder');
  out.write(range.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), br, 'latin1');
  const signed = Buffer.concat([out.subarray(0, open), out.subarray(contentsEnd)]);
  const der = await fill(signed);
  const room = (close - open - 1) / 2;
  if (der.length > room) throw new Error(`signature of ${der.length} bytes does not fit in ${room}`);
  out.write(der.toString('hex').toUpperCase(), open + 1, 'latin1');
  return out;
}
