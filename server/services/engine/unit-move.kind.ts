import type { Knex } from 'knex';
import { Forbidden, NotAllowed } from '../../errors';
import { addDossierUnit, DossierRow, toDossierRow } from '../../queries/dossiers.queries';
import { isAdmin, type Actor } from '../../policies/actor';
import { findDispatch, findReplyById, type DispatchRow, type ReplyRow } from '../../queries/dispatches.queries';
import { isOpenReplyState } from '../../../workflows/dispatch';
import { isFinalState } from '../../../workflows/status';
import type { Kind } from './engine';

/** A dossier moved from a unit that merges away to its successor (design.md §13). */
export interface UnitMoveInput {
  type: 'UNIT_MERGED';
  from: { id: number; code: string; name: string };
  into: { id: number; code: string; name: string };
}

/** Which of the dossier's units named the old unit: what the move rewrote. */
export type MovedRole = 'receiving' | 'competent' | 'handling';

/**
 * The move of a dossier to the unit its unit merged into: an annotation of its own (UNIT_MERGED)
 * through the one engine, under the same lock and version as a state change, so the history says
 * when and why the dossier changed hands. The code, the state and the clock stay; only the unit ids
 * that named the old unit now name the new one, and the new unit sees the dossier.
 */
export function unitMoveKind(seen: DossierRow): Kind<DossierRow, UnitMoveInput, MovedRole[]> {
  return {
    name: 'dossier',
    table: 'dossiers',
    noun: 'Hồ sơ',
    load: async (_trx: Knex.Transaction, locked: object) => toDossierRow({ ...seen, ...locked }),
    stream: (row) => ({ dossier_id: row.id }),
    authorize: (actor) => adminOnly(actor),
    // Finished dossiers keep the units they were received and decided under.
    machine: (_trx, row) => (isFinalState(row.state) ? null : { state: row.state, snapshot: JSON.parse(row.snapshot) }),
    notAllowed: () => new NotAllowed('Hồ sơ đã kết thúc nên giữ nguyên đơn vị.'),
    async effects(trx, { row, input }) {
      const { from, into } = input;
      const roles = rolesNaming(row, from.id);
      const patch = Object.fromEntries(roles.map((r) => [`${r}_unit_id`, into.id]));
      await addDossierUnit(trx, row.id, into.id);
      return {
        patch,
        event: {
          comment: `Chuyển từ ${from.name} sang ${into.name} do sáp nhập đơn vị`,
          data: JSON.stringify({ unitMerge: { from: from.code, into: into.code, roles } }),
        },
      };
    },
    answer: async (_trx, { row, input }) => rolesNaming(row, input.from.id),
  };
}

function rolesNaming(row: DossierRow, unitId: number): MovedRole[] {
  const roles: MovedRole[] = [];
  if (row.receiving_unit_id === unitId) roles.push('receiving');
  if (row.competent_unit_id === unitId) roles.push('competent');
  if (row.handling_unit_id === unitId) roles.push('handling');
  return roles;
}

const adminOnly = (actor: Actor) => {
  if (!isAdmin(actor)) throw new Forbidden('Chỉ quản trị hệ thống được sáp nhập đơn vị.');
};
const moveComment = (input: UnitMoveInput) => `Chuyển từ ${input.from.name} sang ${input.into.name} do sáp nhập đơn vị`;

/**
 * An open reply of a unit that merges away now belongs to its successor (UNIT_MERGED in the
 * dispatch's event stream, a new version; the reply's state and content stay).
 */
export function replyMoveKind(): Kind<ReplyRow, UnitMoveInput, void> {
  return {
    name: 'reply',
    table: 'dispatch_replies',
    noun: 'Ý kiến',
    load: async (trx, locked) => (await findReplyById(trx, locked.id))!,
    stream: (r) => ({ dispatch_id: r.dispatch_id, reply_id: r.id }),
    authorize: adminOnly,
    machine: (_trx, r) => (isOpenReplyState(r.state) ? { state: r.state, snapshot: JSON.parse(r.snapshot) } : null),
    notAllowed: () => new NotAllowed('Ý kiến đã kết thúc nên giữ nguyên đơn vị.'),
    effects: async (_trx, { input }) => ({ patch: { unit_id: input.into.id }, event: { comment: moveComment(input) } }),
    answer: async () => undefined,
  };
}

/**
 * An open dispatch of a unit that merges away is now its successor's (UNIT_MERGED, a new version): a
 * draft is issued by the successor; an issued one still awaiting replies keeps the number it was issued
 * under, and the successor follows it up. Its place in the old unit's number sequence is let go, so it
 * never collides with one the successor numbered (the old unit numbers nothing any more).
 */
export function dispatchMoveKind(): Kind<DispatchRow, UnitMoveInput, void> {
  return {
    name: 'dispatch',
    table: 'dispatches',
    noun: 'Công văn',
    load: async (trx, locked) => (await findDispatch(trx, locked.id))!,
    stream: (d) => ({ dispatch_id: d.id, reply_id: null }),
    authorize: adminOnly,
    machine: (_trx, d) => ({ state: d.state, snapshot: JSON.parse(d.snapshot) }),
    notAllowed: () => new NotAllowed('Không thể chuyển công văn này.'),
    effects: async (_trx, { row, input }) => ({
      patch: { issuing_unit_id: input.into.id, ...(row.number == null ? {} : { number_year: null, number_seq: null }) },
      event: { comment: moveComment(input) + (row.number == null ? '' : ` (giữ số ${row.number})`) },
    }),
    answer: async () => undefined,
  };
}
