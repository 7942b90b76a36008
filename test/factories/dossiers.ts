import request from 'supertest';
import type { Express } from 'express';
import type { Db } from '../../server/db';
import { buildUnit, buildUser, PASSWORD } from './accounts';
import { buildTestApp, tokenFor, type TestApp } from '../helpers/app';
import type { Role } from '../../workflows/labels';

/** The design.md §3 example, with a code of the test's choosing. */
export function definition(code = '1.000775', over: Record<string, unknown> = {}) {
  return {
    code,
    name: 'Tặng Giấy khen của Chủ tịch UBND cấp xã',
    field: 'Thi đua, khen thưởng',
    totalDays: 10,
    fee: 0,
    documents: [
      { code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng', required: true },
      { code: 'BAO_CAO', name: 'Báo cáo thành tích', required: true },
      { code: 'KHAC', name: 'Giấy tờ khác', required: false },
    ],
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8 },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4 },
    ],
    ...over,
  };
}

export interface World {
  province: { id: number; code: string };
  district: { id: number; code: string };
  commune: { id: number; code: string };
  other: { id: number; code: string };
  tokens: Record<string, string>;
}

/**
 * A province → district → two communes, a user per role in the first commune, an intake and a
 * specialist in the other commune, a specialist of the district and of the province, and an admin.
 */
export async function buildWorld(app: Express, db: Db): Promise<World> {
  const province = await buildUnit(db, { level: 'province', name: 'UBND tỉnh Thử' });
  const district = await buildUnit(db, { level: 'district', parentId: province.id, name: 'UBND huyện Thử' });
  const commune = await buildUnit(db, { level: 'commune', parentId: district.id, name: 'UBND xã Một' });
  const other = await buildUnit(db, { level: 'commune', parentId: district.id, name: 'UBND xã Hai' });
  const people: Array<[string, number | null, Role[]]> = [
    ['admin', null, ['admin']],
    ['intake', commune.id, ['intake']],
    ['specialist', commune.id, ['specialist']],
    ['head', commune.id, ['head']],
    ['leader', commune.id, ['leader']],
    ['clerk', commune.id, ['clerk']],
    ['otherIntake', other.id, ['intake']],
    ['otherSpecialist', other.id, ['specialist']],
    ['districtSpecialist', district.id, ['specialist']],
    ['provinceLeader', province.id, ['leader']],
  ];
  const tokens: Record<string, string> = {};
  for (const [key, unitId, roles] of people) {
    const u = await buildUser(db, { unitId, roles });
    tokens[key] = await tokenFor(app, u.username, PASSWORD);
  }
  return { province, district, commune, other, tokens };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Post a procedure as admin and receive one dossier as the commune's intake. */
export async function receive(app: Express, w: World, procedureCode: string, body: Record<string, unknown> = {}) {
  const res = await request(app)
    .post('/api/v1/dossiers')
    .set(bearer(w.tokens.intake))
    .send({
      procedureCode,
      applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789', phone: '0912345678' },
      documents: ['TO_TRINH', 'BAO_CAO'],
      ...body,
    });
  if (res.status !== 201) throw new Error(`intake failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function send(app: Express, token: string, code: string, body: Record<string, unknown>) {
  return request(app).post(`/api/v1/dossiers/${code}/events`).set(bearer(token)).send(body);
}

/**
 * The usual start of a dossier test: an app on a fresh database of `engine`, the unit tree and
 * users of {@link buildWorld}, and the test procedure `1.000775` in the catalogue.
 */
export async function buildDossierApp(
  engine: 'sqlite' | 'mysql',
  env: Record<string, string> = {},
): Promise<{ t: TestApp; w: World }> {
  const t = await buildTestApp(engine, env);
  const w = await buildWorld(t.app, t.tdb.db);
  const res = await request(t.app)
    .post('/api/v1/procedures')
    .set('Authorization', `Bearer ${w.tokens.admin}`)
    .send(definition());
  if (res.status !== 201) throw new Error(`test procedure not created: ${res.status} ${JSON.stringify(res.body)}`);
  return { t, w };
}
