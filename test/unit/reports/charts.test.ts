import { SaxesParser } from 'saxes';
import { barChart, esc, fmtInt, fmtPercent, niceScale, stackedShare } from '../../../server/reports/charts';

/** Parse as XML: throws on anything not well-formed (an unescaped `&` or `<` would). */
function parseSvg(svg: string) {
  const parser = new SaxesParser({ xmlns: true });
  const texts: string[] = [];
  const tags: Array<{ name: string; attributes: Record<string, string> }> = [];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (t) =>
    tags.push({
      name: t.local,
      attributes: Object.fromEntries(
        Object.entries(t.attributes).map(([k, v]) => [k, typeof v === 'string' ? v : v.value]),
      ),
    }),
  );
  parser.on('text', (t) => texts.push(t));
  parser.write(svg).close();
  return { tags, texts };
}

const trend = {
  id: 'thang',
  title: 'Hồ sơ theo tháng <b> & "khác"',
  categories: ['05/2024', '06/2024'],
  series: [
    { name: 'Tiếp nhận', values: [3, 1715] },
    { name: 'Đã giải quyết', values: [3, 2] },
    { name: 'Đúng hạn', values: [2, 1] },
  ],
  xLabel: 'Tháng',
  yLabel: 'Số hồ sơ',
};

describe('report charts', () => {
  it('formats numbers the Vietnamese way', () => {
    expect(fmtInt(1715)).toBe('1.715');
    expect(fmtInt(0)).toBe('0');
    expect(fmtPercent(0.9992)).toBe('99,92%');
    expect(fmtPercent(1)).toBe('100,00%');
    expect(esc(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('picks round axis scales', () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(121)).toEqual({ top: 150, step: 50 });
    expect(niceScale(1715)).toEqual({ top: 2000, step: 500 });
  });

  it('draws grouped bars with values, axis labels, a legend and an accessible title', () => {
    const svg = barChart(trend);
    const { tags, texts } = parseSvg(svg);
    const root = tags[0];
    expect(root.name).toBe('svg');
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-labelledby']).toBe('thang-title thang-desc');
    expect(texts).toContain('Hồ sơ theo tháng <b> & "khác"');
    expect(svg).toContain('<title id="thang-title">Hồ sơ theo tháng &lt;b&gt; &amp; &quot;khác&quot;</title>');
    expect(texts).toContain(
      '05/2024: Tiếp nhận 3, Đã giải quyết 3, Đúng hạn 2; 06/2024: Tiếp nhận 1.715, Đã giải quyết 2, Đúng hạn 1',
    );
    // six bars + three legend swatches (the pattern tiles live in <defs>)
    const bars = tags.filter((t) => t.name === 'rect' && t.attributes.stroke && t.attributes.height !== '14');
    expect(bars).toHaveLength(6);
    for (const label of [
      '1.715',
      '3',
      '2',
      '1',
      'Tháng',
      'Số hồ sơ',
      '05/2024',
      '06/2024',
      'Tiếp nhận',
      'Đã giải quyết',
      'Đúng hạn',
      '2.000',
    ])
      expect(texts).toContain(label);
    // the tallest bar reaches the top of the axis, higher values sit higher
    const heights = bars.map((b) => Number(b.attributes.height));
    expect(Math.max(...heights)).toBeCloseTo((1715 / 2000) * 200, 5);
    // grayscale: the third series is hatched, not just another hue
    expect(bars[2].attributes.fill).toBe('url(#thang-hatch)');
  });

  it('uses presentation attributes only: no style, no script, no event handlers', () => {
    for (const svg of [
      barChart(trend),
      stackedShare({ id: 'kenh', title: 'Kênh', parts: [{ label: 'A', value: 1 }] }),
    ]) {
      expect(svg).not.toMatch(/style|<script|\son[a-z]+=/i);
    }
  });

  it('keeps ids unique and safe per chart', () => {
    const svg = barChart({ ...trend, id: 'a b"<' });
    expect(svg).toContain('id="a-b---title"');
    expect(svg).toContain('url(#a-b---hatch)');
    expect(() => parseSvg(svg)).not.toThrow();
  });

  it('splits a 100% bar by share with percentages and a legend with counts', () => {
    const svg = stackedShare({
      id: 'kenh',
      title: 'Theo hình thức nộp',
      unit: 'hồ sơ',
      parts: [
        { label: 'Trực tiếp', value: 11 },
        { label: 'Trực tuyến', value: 3 },
        { label: 'Qua bưu chính công ích', value: 1 },
      ],
    });
    const { tags, texts } = parseSvg(svg);
    expect(tags[0].attributes.role).toBe('img');
    expect(texts).toEqual(
      expect.arrayContaining([
        'Trực tiếp: 11 hồ sơ (73,33%)',
        'Trực tuyến: 3 hồ sơ (20,00%)',
        'Qua bưu chính công ích: 1 hồ sơ (6,67%)',
        '73,33%',
        '20,00%',
      ]),
    );
    // a part too narrow for its label gets none inside the bar (the legend still has it)
    expect(texts).not.toContain('6,67%');
    const segments = tags.filter((t) => t.name === 'rect' && Number(t.attributes.height) === 40);
    expect(segments.map((s) => Math.round(Number(s.attributes.width)))).toEqual([
      Math.round((11 / 15) * 568),
      Math.round((3 / 15) * 568),
      Math.round((1 / 15) * 568),
    ]);
  });

  it('says so when there is nothing to share', () => {
    const { texts } = parseSvg(stackedShare({ id: 'rong', title: 'Trống', parts: [{ label: 'Trực tiếp', value: 0 }] }));
    expect(texts).toContain('Không có hồ sơ trong kỳ');
    expect(texts).toContain('Trực tiếp: 0');
  });
});
