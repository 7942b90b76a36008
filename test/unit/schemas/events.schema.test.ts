import { COMMENT_REQUIRED, eventSchema } from '../../../server/schemas/dossier.schema';
import { dispatchEventSchema, replyEventSchema } from '../../../server/schemas/dispatch.schema';
import { fieldErrors } from '../../../server/schemas/validate';
import { DOSSIER_EVENT_TYPES } from '../../../workflows/labels';
import { DISPATCH_EVENT_TYPES, REPLY_EVENT_TYPES } from '../../../workflows/dispatch';

const errorsOf = (schema: { safeParse: (v: unknown) => any }, body: unknown) => {
  const r = schema.safeParse(body);
  return r.success ? {} : fieldErrors(r.error);
};
const DUE = '2027-05-06T10:00:00+07:00';

describe('event schemas, built from the machines’ event lists', () => {
  it.each(DOSSIER_EVENT_TYPES)(
    'dossier %s: accepted with its fields, a reason required exactly when the rule says',
    (type) => {
      expect(errorsOf(eventSchema, { type, version: 3, comment: 'Lý do', dueAt: DUE })).toEqual({});
      const bare = errorsOf(eventSchema, { type, version: 3 });
      expect('comment' in bare).toBe((COMMENT_REQUIRED as readonly string[]).includes(type));
      expect('dueAt' in bare).toBe(type === 'EXTEND');
      if (bare.comment) expect(bare.comment).toMatch(/Cần ghi rõ/);
    },
  );

  it('names both an unknown type and a bad version, in Vietnamese', () => {
    expect(errorsOf(eventSchema, { type: 'BOGUS', version: 'x' })).toEqual({
      type: 'Loại thao tác không hợp lệ',
      version: 'Phiên bản (version) là bắt buộc',
    });
  });

  it.each(DISPATCH_EVENT_TYPES)('dispatch %s: a reason only for REJECT', (type) => {
    expect(Object.keys(errorsOf(dispatchEventSchema, { type, version: 1 }))).toEqual(
      type === 'REJECT' ? ['comment'] : [],
    );
  });

  it('replies: every event a person sends, with its own required fields; EXPIRE is the scheduler’s', () => {
    const need = (body: object) => Object.keys(errorsOf(replyEventSchema, { version: 1, ...body }));
    expect(need({ type: 'ASSIGN' })).toEqual(['assignee']);
    expect(need({ type: 'SUBMIT' })).toEqual(['position']);
    expect(need({ type: 'SUBMIT', position: 'comments' })).toEqual(['content']);
    expect(need({ type: 'SUBMIT', position: 'agree' })).toEqual([]);
    expect(need({ type: 'SUBMIT', position: 'maybe', content: 'x' })).toEqual(['position']);
    expect(need({ type: 'APPROVE' })).toEqual([]);
    expect(need({ type: 'RETURN' })).toEqual(['comment']);
    expect(need({ type: 'EXPIRE' })).toEqual(['type']);
    const personal = REPLY_EVENT_TYPES.filter((t) => t !== 'EXPIRE');
    for (const type of personal)
      expect(
        replyEventSchema.safeParse({ type, version: 1, assignee: 'a', position: 'agree', comment: 'c' }).success,
      ).toBe(true);
  });
});
