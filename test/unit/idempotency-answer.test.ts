import { decodeAnswer, encodeAnswer } from '../../server/services/idempotency.service';

/** A kept answer fits the `response` TEXT column (64 KB on MySQL): long ones are gzipped, too long ones not kept. */
describe('kept Idempotency-Key answers', () => {
  it('a small answer is kept as JSON and read back as it was', () => {
    const a = { status: 201, body: { code: 'X-270506-0001', tên: 'Nguyễn Văn An' }, headers: { Location: '/x' } };
    const text = encodeAnswer(a)!;
    expect(JSON.parse(text)).toEqual(a);
    expect(decodeAnswer(text)).toEqual(a);
  });

  it('a long answer (a dispatch to hundreds of communes) is gzipped under 60 000 characters and read back whole', () => {
    const recipients = Array.from({ length: 1500 }, (_, i) => ({
      unitCode: `000.00.${i}.H05`,
      unitName: `Ủy ban nhân dân xã Thử Nghiệm số ${i}`,
      state: 'received',
      position: null,
      content: null,
    }));
    const a = { status: 201, body: { id: 7, recipients } };
    expect(JSON.stringify(a).length).toBeGreaterThan(100_000);
    const text = encodeAnswer(a)!;
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(decodeAnswer(text)).toEqual(a);
  });

  it('an answer that does not fit even gzipped is not kept (null)', () => {
    const noise = Array.from({ length: 120_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');
    expect(encodeAnswer({ status: 200, body: { noise } })).toBeNull();
  });
});
