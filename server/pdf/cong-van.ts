import { DocWriter } from './document';
import type { CongVanView } from '../presenters/dispatch-print.presenter';

/** The công văn as a PDF (A4 portrait, Decree 30 layout, Tinos embedded by the layout engine). */
export async function renderCongVanPdf(v: CongVanView): Promise<Buffer> {
  const w = await DocWriter.create({ title: `${v.number} – ${v.about}` });
  w.header({ agencyTop: v.agencyTop, agency: v.agency, ref: v.number, about: v.about, placeDate: v.placeDate });
  if (v.draft) w.title([{ text: 'DỰ THẢO', size: 13 }], false);
  const gui = v.addressees.length === 1 ? [v.addressees[0]] : v.addressees.map((a) => `- ${a};`);
  w.paragraph([{ text: 'Kính gửi:', style: 'regular' }, { text: gui.length === 1 ? ` ${gui[0]}.` : '' }], {
    align: 'center',
    indent: 0,
    before: 4,
  });
  if (gui.length > 1)
    for (const line of gui)
      w.paragraph(line, { align: 'left', indent: 0, x: w.left + w.width * 0.3, width: w.width * 0.7, after: 0 });
  w.space(8);
  for (const p of v.paragraphs) w.paragraph(p);
  w.paragraph(v.closing);
  w.signatures([{ titles: v.sign.titles, name: v.sign.name }], v.recipients);
  return w.save();
}
