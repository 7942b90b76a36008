/**
 * Hostile values for the property-based tests: injection-shaped and unicode-edge strings, wrong types,
 * deep nesting, prototype-pollution keys; and, per JSON write route, who calls it on what with which
 * valid body (so a mutated field is the only thing wrong).
 */
import fc from 'fast-check';
import type { Driver, Principal, SecWorld } from './fixture';
import { PROC } from './fixture';
import type { Fx } from './access-table';
import { definition } from '../factories/dossiers';

export const HOSTILE_STRINGS = [
  "'; DROP TABLE dossiers; --",
  "Robert'); DROP TABLE dossier_events;--",
  '" OR ""="',
  "' OR '1'='1",
  '1; SELECT SLEEP(5)',
  '\\',
  '%',
  '_',
  '!',
  '{{constructor}}',
  "{{constructor.constructor('return process')()}}",
  '{{#each this}}{{@key}}{{/each}}',
  '${7*7}',
  '<%= 7*7 %>',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\u200b\u200c\u200d\ufeff',
  '😀👨‍👩‍👧‍👦🇻🇳',
  'e\u0301\u0302\u0303\u0304\u0305\u0306',
  'Nguyễn Văn An',
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  '../../etc/passwd',
  ' ',
  '\t\n\r',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '-1e308',
  '9007199254740993',
  'null',
  'true',
  '0x10',
  '१२३',
  'İı ß ǅ',
];

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 4,
});

/** A deeply nested array or object around `leaf`. */
export function nested(depth: number, leaf: unknown = 'x', asObject = false): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: loneSurrogates },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'x'.repeat(256),
      'ễ'.repeat(501),
      '😀'.repeat(300),
      'a'.repeat(20001),
      'Ω'.repeat(100_000),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
  },
);

/** Objects whose keys are the classic prototype-pollution and shadowing names. */
export const pollutingObject: fc.Arbitrary<unknown> = fc.constantFrom(
  JSON.parse('{"__proto__":{"polluted":true,"admin":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  JSON.parse('{"toString":1,"valueOf":"x","hasOwnProperty":null}'),
  JSON.parse('{"length":1e308,"0":"a"}'),
);

export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    1e308,
    -1e308,
    -0,
    0,
    -1,
    1.5,
    2 ** 53 + 2,
    5e-324,
    true,
    false,
    null,
    [],
    {},
    'NaN',
    '-0',
    '1e308',
    '',
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    nested(50),
    nested(50, 'x', true),
    Array.from({ length: 5000 }, (_, i) => i),
  ),
  pollutingObject,
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: wrongType },
);

/** A whole hostile body: any JSON value, a polluting object, deep nesting, a hostile string. */
export const hostileBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  pollutingObject,
  hostileString,
  fc.constantFrom(nested(60), nested(60, {}, true), [], {}, null, 0, '', true),
  fc.dictionary(hostileString, hostileValue, { maxKeys: 5 }),
);

export interface Target {
  who: (w: SecWorld) => Principal;
  setup?: (dr: Driver, w: SecWorld) => Promise<Fx>;
  valid: (fx: Fx, w: SecWorld) => Record<string, unknown>;
}

let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/** Every JSON write route: who may call it (so validation is reached) and a body it accepts. */
export const TARGETS: Record<string, Target> = {
  'post /tokens': { who: (w) => w.principals[0], valid: () => ({ username: 'khong.co.ai', password: 'sai-mat-khau' }) },
  'post /units': {
    who: (w) => w.by('admin', 'none'),
    valid: (fx) => ({
      code: `FZ.${uniq()}`,
      name: 'UBND xã Thử',
      level: 'commune',
      parentCode: fx.districtCode,
      symbol: 'UBND-X',
    }),
  },
  'patch /units/:code': {
    who: (w) => w.by('admin', 'none'),
    setup: async () => ({ code: 'FZ.TARGET' }),
    valid: (fx) => ({ name: 'UBND xã Đích', level: 'commune', parentCode: fx.districtCode, symbol: 'X', active: true }),
  },
  'post /units/:code/merge': {
    who: (w) => w.by('admin', 'none'),
    setup: async (dr, w) => {
      const code = `FZ.M.${uniq()}`;
      await dr
        .api(w.by('admin', 'none').token)
        .post('/units', { code, name: 'UBND xã Sáp Nhập', level: 'commune', parentCode: w.units.D.code });
      return { code };
    },
    valid: (_fx, w) => ({ intoCode: w.units.C.code }),
  },
  'post /users': {
    who: (w) => w.by('admin', 'none'),
    valid: (fx) => ({
      username: `fz.${uniq()}`,
      password: 'mat-khau-dai-du',
      fullName: 'Người Thử',
      email: 'a@b.vn',
      unitCode: fx.unitCode,
      roles: ['specialist'],
    }),
  },
  'patch /users/:username': {
    who: (w) => w.by('admin', 'none'),
    setup: async () => ({ username: 'fz.target' }),
    valid: (fx) => ({ fullName: 'Người Đích', email: 'c@d.vn', unitCode: fx.unitCode, roles: ['clerk'], active: true }),
  },
  'post /procedures': {
    who: (w) => w.by('admin', 'none'),
    valid: () => definition(`FZ.${uniq()}`) as Record<string, unknown>,
  },
  'post /dossiers': {
    who: (w) => w.by('intake', 'own'),
    valid: () => ({
      procedureCode: PROC,
      applicant: {
        fullName: 'Lê Văn Thử',
        idNumber: '012345678901',
        phone: '0912345678',
        email: 'x@y.vn',
        address: 'Thôn 1',
      },
      documents: ['TO_TRINH', 'BAO_CAO'],
      channel: 2,
      note: 'Ghi chú',
    }),
  },
  'post /dossiers/:code/events': {
    who: (w) => w.by('specialist', 'own'),
    setup: (dr) => dr.dossier(),
    valid: (fx) => ({ type: 'REQUEST_SUPPLEMENT', version: fx.version, comment: 'Thiếu bản sao', dueAt: null }),
  },
  // Multipart (a file and documentCode): a JSON body is refused (no file) and writes nothing.
  'post /dossiers/:code/attachments': {
    who: (w) => w.by('intake', 'own'),
    setup: (dr) => dr.dossier(),
    valid: () => ({ documentCode: 'TO_TRINH' }),
  },
  'post /dossiers/:code/consultations': {
    who: (w) => w.by('specialist', 'own'),
    setup: (dr) => dr.dossier(),
    valid: (fx) => ({
      title: 'Lấy ý kiến',
      summary: 'Nội dung',
      dueDate: fx.dueDate,
      recipientUnitCodes: [fx.cCode],
      silenceMeansAgreement: false,
    }),
  },
  'put /calendar/days/:date': {
    who: (w) => w.by('admin', 'none'),
    setup: async () => ({ date: '2031-05-05' }),
    valid: () => ({ kind: 'holiday', name: 'Nghỉ bù' }),
  },
  'post /dispatches': {
    who: (w) => w.by('specialist', 'parent'),
    valid: (fx) => ({
      title: 'Xin ý kiến',
      summary: 'Nội dung',
      dueDate: fx.dueDate,
      recipientUnitCodes: [fx.unitCode, fx.cCode],
      silenceMeansAgreement: false,
    }),
  },
  'post /dispatches/:id/events': {
    who: (w) => w.by('specialist', 'parent'),
    setup: (dr) => dr.dispatch('draft'),
    valid: (fx) => ({ type: 'SUBMIT', version: fx.version, comment: 'Trình' }),
  },
  'post /dispatches/:id/replies/:unitCode/events': {
    who: (w) => w.by('head', 'own'),
    setup: (dr) => dr.reply('received'),
    valid: (fx, w) => ({
      type: 'ASSIGN',
      version: fx.version,
      assignee: w.by('specialist', 'own').username,
      position: null,
      content: null,
      comment: 'Giao',
    }),
  },
  'patch /dispatches/:id': {
    who: (w) => w.by('specialist', 'parent'),
    setup: (dr) => dr.dispatch('draft'),
    valid: (fx) => ({
      title: 'Xin ý kiến (sửa)',
      summary: 'Nội dung',
      dueDate: fx.dueDate,
      recipientUnitCodes: [fx.cCode],
      silenceMeansAgreement: false,
      version: fx.version,
    }),
  },
  'post /dispatches/:id/replies/:unitCode/attachments': {
    who: (w) => w.by('specialist', 'own'),
    setup: (dr) => dr.reply('assigned'),
    // The files travel as multipart; a JSON body (with a field the route ignores) carries none (422).
    valid: () => ({ note: 'Tệp kèm ý kiến' }),
  },
  'put /dispatches/:id/replies/:unitCode/response': {
    who: (w) => w.by('specialist', 'parent'),
    valid: () => ({ response: 'Tiếp thu' }),
  },
};

/** Replace one field (dotted path) of a body, or delete it when `value` is undefined. */
export function mutate(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body));
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k];
  if (value === undefined) delete o[keys[keys.length - 1]];
  else o[keys[keys.length - 1]] = value;
  return copy;
}

/** Dotted paths of the leaves of a body (one level into nested objects such as `applicant`). */
export function fieldPaths(body: Record<string, unknown>): string[] {
  return Object.entries(body).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((s) => `${k}.${s}`) : [k],
  );
}
