import { DocWriter, formatRecipients } from './document';
import type { CongVanView } from '../presenters/dispatch-print.presenter';

/** The công văn as a PDF (A4 portrait, Decree 30 layout, Tinos embedded by the layout engine). */
export async function renderCongVanPdf(v: CongVanView): Promise<Buffer> {
  const w = await DocWriter.create({ title: `${v.number} – ${v.about}` });
  w.header({ agencyTop: v.agencyTop, agency: v.agency, ref: v.number, about: v.about, placeDate: v.placeDate });
  if (v.draft) w.title([{ text: 'DỰ THẢO', size: 13 }], false);
  // "Kính gửi:" then the addressees: one on the same line, several as a list beside the label (Decree 30).
  const label = 'Kính gửi:';
  if (v.addressees.length === 1) {
    w.paragraph(`${label} ${v.addressees[0]}.`, { align: 'center', indent: 0, before: 4 });
  } else {
    const x0 = w.left + w.width * 0.28;
    const lw = w.measure(label, 'regular', 14) + 6;
    const top = w.y - 4;
    w.block(label, x0 - lw, top, lw, 14, 'regular', 'left');
    let y = top;
    for (const line of formatRecipients(v.addressees)) y = w.block(line, x0, y, w.right - x0, 14, 'regular', 'left');
    w.y = y - 4;
  }
  w.space(8);
  for (const p of v.paragraphs) w.paragraph(p);
  w.paragraph(v.closing);
  w.signatures([{ titles: v.sign.titles, name: v.sign.name }], v.recipients);
  return w.save();
}
