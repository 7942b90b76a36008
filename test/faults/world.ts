/** A world (units, users, a four-step procedure) built through the admin API, for the fault suite. */
import { must, http, tokenFor, uniq, PASSWORD, ADMIN_PASSWORD } from './support';
import { definition } from '../factories/dossiers';

// ---------------------------------------------------------------------------------------------
// A world built through the API

// The four-step procedure of design.md §3, shared with the integration tests.
export { definition } from '../factories/dossiers';

export const STEP_ROLE: Record<string, 'specialist' | 'head' | 'leader' | 'clerk'> = {
  review: 'specialist',
  check: 'head',
  sign: 'leader',
  number: 'clerk',
};
const COMMUNE_ROLES = ['intake', 'specialist', 'head', 'leader', 'clerk'] as const;

export interface Commune {
  code: string;
  /** username by role */
  users: Record<(typeof COMMUNE_ROLES)[number], string>;
  /** bearer token by role */
  tokens: Record<(typeof COMMUNE_ROLES)[number], string>;
  fullNames: Record<(typeof COMMUNE_ROLES)[number], string>;
}

export interface World {
  adminToken: string;
  procedureCode: string;
  province: string;
  district: string;
  districtSymbol: string;
  /** The district's dispatch people (specialist, leader, clerk). */
  districtUsers: { specialist: string; leader: string; clerk: string };
  districtTokens: { specialist: string; leader: string; clerk: string };
  communes: Commune[];
}

/**
 * province → district (with a document symbol and dispatch staff) → `communes` communes, each with one
 * user per role, and one procedure. The users of the first `mailCommunes` communes (default: all) have an
 * e-mail, so every step of their dossiers sends mail; the others' do not (load without mail).
 */
export async function buildWorld(
  base: string,
  o: { communes?: number; tag?: string; mailCommunes?: number } = {},
): Promise<World> {
  const tag = (o.tag ?? uniq()).toUpperCase();
  const adminToken = await tokenFor(base, 'admin', ADMIN_PASSWORD);
  const post = (p: string, json: unknown, what: string) =>
    must(http(base, 'POST', p, { token: adminToken, json }), 201, what);
  const province = `P.${tag}`;
  const district = `D.${tag}`;
  const districtSymbol = `UBND-${tag}`;
  await post('/api/v1/units', { code: province, name: `UBND tỉnh Thử ${tag}`, level: 'province' }, 'province');
  await post(
    '/api/v1/units',
    { code: district, name: `UBND huyện Thử ${tag}`, level: 'district', parentCode: province, symbol: districtSymbol },
    'district',
  );
  const lower = tag.toLowerCase();
  const districtUsers = { specialist: `dcv.${lower}`, leader: `dld.${lower}`, clerk: `dvt.${lower}` };
  for (const [role, username] of Object.entries(districtUsers)) {
    await post(
      '/api/v1/users',
      {
        username,
        password: PASSWORD,
        fullName: `Cán bộ huyện ${role}`,
        email: `${username}@huyen.example.vn`,
        unitCode: district,
        roles: [role],
      },
      `user ${username}`,
    );
  }
  const communes: Commune[] = [];
  for (let i = 1; i <= (o.communes ?? 1); i++) {
    const code = `C${i}.${tag}`;
    await post(
      '/api/v1/units',
      { code, name: `UBND xã Thử ${i} ${tag}`, level: 'commune', parentCode: district },
      `commune ${code}`,
    );
    const users = {} as Commune['users'];
    const fullNames = {} as Commune['fullNames'];
    for (const role of COMMUNE_ROLES) {
      const username = `${role}.${i}.${lower}`;
      users[role] = username;
      fullNames[role] = `Nguyễn Văn ${role[0].toUpperCase()}${role.slice(1)} Xã${i}`;
      const email = i <= (o.mailCommunes ?? Infinity) ? `${username}@xa.example.vn` : null;
      await post(
        '/api/v1/users',
        { username, password: PASSWORD, fullName: fullNames[role], email, unitCode: code, roles: [role] },
        `user ${username}`,
      );
    }
    communes.push({ code, users, fullNames, tokens: {} as Commune['tokens'] });
  }
  const procedureCode = `9.${tag}`;
  await post('/api/v1/procedures', definition(procedureCode), 'procedure');
  for (const c of communes) for (const role of COMMUNE_ROLES) c.tokens[role] = await tokenFor(base, c.users[role]);
  const districtTokens = {
    specialist: await tokenFor(base, districtUsers.specialist),
    leader: await tokenFor(base, districtUsers.leader),
    clerk: await tokenFor(base, districtUsers.clerk),
  };
  return { adminToken, procedureCode, province, district, districtSymbol, districtUsers, districtTokens, communes };
}

let applicantSeq = 0;
/** The body of an intake; `email` (or that share of the time, when a number) makes the applicant get mail too. */
export function intakeBody(w: World, email: boolean | number = true) {
  if (typeof email === 'number') email = Math.random() < email;
  const n = ++applicantSeq;
  return {
    procedureCode: w.procedureCode,
    applicant: {
      fullName: `Trần Thị Công Dân ${n}`,
      idNumber: '094123456789',
      phone: '0912345678',
      ...(email ? { email: `congdan${n}.${uniq()}@example.vn` } : {}),
    },
    documents: ['TO_TRINH', 'BAO_CAO'],
  };
}
