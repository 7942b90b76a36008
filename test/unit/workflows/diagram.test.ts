import { escapeXml, procedureDiagramSvg } from '../../../workflows/procedure/diagram';
import { definitionOf, definitionWithSteps, exampleDefinition } from './fixtures';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('procedureDiagramSvg', () => {
  it('is an accessible SVG image with a title naming the procedure', () => {
    const svg = procedureDiagramSvg(exampleDefinition());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/<title id="[^"]+-title">Sơ đồ quy trình: Tặng Giấy khen/);
    expect(svg).not.toMatch(/\sstyle=/);
  });

  it('shows every step in order with its role in Vietnamese and its hours', () => {
    const def = exampleDefinition();
    const svg = procedureDiagramSvg(def);
    const positions = def.steps.map((s, i) => svg.indexOf(`${i + 1}. ${s.name}`));
    positions.forEach((p) => expect(p).toBeGreaterThan(0));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(svg).toContain('Chuyên viên xử lý · 48 giờ');
    expect(svg).toContain('Lãnh đạo phòng · 8 giờ');
    expect(svg).toContain('Văn thư · 4 giờ');
  });

  it('draws one FORWARD arrow per step, one dashed RETURN per step but the first, and the ending states', () => {
    for (const n of [1, 2, 4, 9]) {
      const svg = procedureDiagramSvg(definitionWithSteps(n));
      expect(count(svg, /data-event="FORWARD"/g)).toBe(n);
      expect(count(svg, /data-event="RETURN"[^>]*stroke-dasharray/g)).toBe(n - 1);
      expect(count(svg, /class="node node-step"/g)).toBe(n);
      expect(count(svg, /data-event="RETURN_RESULT"/g)).toBe(1);
      for (const e of ['REQUEST_SUPPLEMENT', 'SUPPLEMENT_RECEIVED', 'REFUSE', 'WITHDRAW'])
        expect(count(svg, new RegExp(`data-event="${e}"`, 'g'))).toBe(1);
      for (const label of [
        'Đã có kết quả, chờ trả',
        'Đã trả kết quả',
        'Chờ bổ sung hồ sơ',
        'Từ chối giải quyết',
        'Đã rút hồ sơ',
      ])
        expect(svg).toContain(`>${label}<`);
    }
  });

  it('grows with the number of steps', () => {
    const height = (svg: string) => Number(/ height="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    expect(height(procedureDiagramSvg(definitionWithSteps(8)))).toBeGreaterThan(
      height(procedureDiagramSvg(definitionWithSteps(3))),
    );
  });

  it('escapes every text, names included', () => {
    const valid = definitionOf({
      code: 'X.1',
      name: 'Thủ tục <script>alert("x")</script> & \'khác\'',
      totalDays: 2,
      steps: [{ code: 'a', name: 'Bước <b>&đậm</b>', role: 'specialist', hours: 4 }],
    });
    // Codes are validated, but the diagram must not rely on it for its element ids.
    const def = { ...valid, code: 'X<1>"' };
    const svg = procedureDiagramSvg(def);
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('Bước &lt;b&gt;&amp;đậm&lt;/b&gt;');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;khác&apos;');
    expect(svg).not.toMatch(/id="[^"]*[<>][^"]*"/);
    expect(escapeXml('a\u0000b<')).toBe('ab&lt;');
  });

  it('notes steps handled by the parent unit or another unit, and not the competent unit', () => {
    const def = definitionOf({
      code: 'LT',
      name: 'Liên thông',
      totalDays: 3,
      steps: [
        { code: 'a', name: 'Tại xã', role: 'specialist', hours: 4 },
        { code: 'b', name: 'Tại huyện', role: 'head', hours: 4, unit: 'parent' },
        { code: 'c', name: 'Tại sở', role: 'leader', hours: 0.5, unit: '000.00.31.H05' },
      ],
    });
    const svg = procedureDiagramSvg(def);
    expect(svg).toContain('Đơn vị cấp trên (liên thông)');
    expect(svg).toContain('Đơn vị: 000.00.31.H05');
    expect(svg).toContain('Lãnh đạo UBND · 0,5 giờ');
    expect(count(svg, /Đơn vị/g)).toBe(2);
  });

  it('shortens a very long step name in the box and keeps it whole in the tooltip', () => {
    const long =
      'Thẩm định hồ sơ và lấy ý kiến các cơ quan có liên quan về thành tích của tập thể, cá nhân được đề nghị khen thưởng';
    const svg = procedureDiagramSvg(
      definitionOf({
        code: 'L',
        name: 'L',
        totalDays: 1,
        steps: [{ code: 'a', name: long, role: 'specialist', hours: 8 }],
      }),
    );
    expect(svg).toContain(`<title>${long}</title>`);
    expect(svg).toContain('…');
  });
});
