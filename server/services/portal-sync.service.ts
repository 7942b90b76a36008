import type { Knex } from 'knex';
import type { Config } from '../config';
import type { Actor } from '../policies/actor';
import { documentsOf, findDossierByCode, type DossierRow } from '../queries/dossiers.queries';
import { findResult } from '../queries/results.queries';
import {
  insertPortalMessages,
  lastHeaderPayload,
  syncFactsOf,
  type NewPortalMessage,
  rewriteRefusedHeader,
} from '../queries/portal.queries';
import { headerOf, PORTAL_SERVICE, stepOf, syncStateOf, type SyncState } from '../../workflows/portal';
import { HISTORY_LABELS, ROLE_LABELS, type Role } from '../../workflows/labels';
import { NATIONAL_STATUS, type PublicStatus } from '../../workflows/status';
import { verificationUrl } from '../../workflows/result';

/**
 * The dossier's mirror on the national portal (design.md §12): every change queues the portal's
 * messages in the transaction of the change — the header as the dossier now is, then the step the
 * event recorded — so they exist if and only if the change committed. The header is queued when it
 * differs from the last one queued; the step always. With `PORTAL_URL` unset,
 * nothing is queued (sync is off). jobs/portal-sync.job delivers them.
 */

/** One event of a dossier as the portal hears of it. */
export interface MirroredEvent {
  type: string;
  comment: string | null;
  at: number;
  actor: Actor;
  /** The role the actor acted in (the step's role; the desk's for the receipt). */
  role: Role;
  /** The step the event ended: its start and due time (the receipt: the receipt moment). */
  stepStartedAt: number | null;
  stepDueAt: number | null;
}

/** One message of the dossier `row`; data the portal would reject is queued as refused, with why. */
function messageOf(row: DossierRow, service: string, built: { data: unknown; problems: string[] }): NewPortalMessage {
  const header = service === PORTAL_SERVICE.header;
  return {
    dossier_id: row.id,
    dossier_code: row.code,
    service,
    national_status: header ? NATIONAL_STATUS[row.status as PublicStatus] : null,
    due_at: header ? row.due_at : null,
    payload: JSON.stringify(built.data),
    problem: built.problems.length ? `Không gửi: ${built.problems.join(' ')}` : null,
  };
}

/** The dossier header (`DongBoHoSoMC`) as the dossier `row` is now, read in the caller's transaction. */
async function headerMessage(
  trx: Knex.Transaction,
  config: Pick<Config, 'PUBLIC_URL'>,
  row: DossierRow,
): Promise<NewPortalMessage> {
  const applicant = JSON.parse(row.applicant) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  const result = await findResult(trx, row.id);
  const header = headerOf({
    code: row.code,
    procedureCode: row.procedure_code,
    procedureName: row.procedure_name,
    channel: row.channel,
    applicantName: text(applicant.fullName) ?? '',
    applicantType: Number(applicant.type ?? 1),
    applicantIdNumber: text(applicant.idNumber),
    applicantPhone: text(applicant.phone),
    applicantEmail: text(applicant.email),
    applicantAddress: text(applicant.address),
    receivedAt: row.received_at,
    dueAt: row.due_at,
    status: row.status as PublicStatus,
    resolvedAt: row.resolved_at,
    completedAt: row.completed_at,
    receivingUnitCode: row.receiving_code,
    receivingUnitName: row.receiving_name,
    documents: await documentsOf(trx, row.id),
    result:
      result?.number != null
        ? {
            name: result.name,
            number: result.number,
            sha256: result.sha256,
            url: verificationUrl(config.PUBLIC_URL, result.sha256),
          }
        : null,
  });
  return messageOf(row, PORTAL_SERVICE.header, header);
}

/** Queue the header and step messages of one dossier event, in the caller's transaction. */
export async function mirrorDossier(
  trx: Knex.Transaction,
  config: Pick<Config, 'PORTAL_URL' | 'PUBLIC_URL'>,
  row: DossierRow,
  ev: MirroredEvent,
): Promise<void> {
  if (!config.PORTAL_URL) return;
  const status = row.status as PublicStatus;
  const header = await headerMessage(trx, config, row);
  const step = stepOf({
    code: row.code,
    actorName: ev.actor.fullName,
    actorTitle: ROLE_LABELS[ev.role] ?? '',
    actorUnitName: ev.actor.unitName ?? row.receiving_name,
    at: ev.at,
    label: HISTORY_LABELS[ev.type] ?? ev.type,
    comment: ev.comment,
    status,
    stepStartedAt: ev.stepStartedAt ?? ev.at,
    stepDueAt: ev.stepDueAt ?? ev.at,
  });
  // A header only when the portal's view of the dossier changed (a hand-off between steps changes
  // nothing in it); the step message says what happened either way.
  const same = (await lastHeaderPayload(trx, row.id, PORTAL_SERVICE.header)) === header.payload;
  await insertPortalMessages(trx, [...(same ? [] : [header]), messageOf(row, PORTAL_SERVICE.step, step)], ev.at);
}

/**
 * Queue the dossier's header alone, as it is now, when it differs from the last one queued: for a
 * dossier the portal never heard of (received before sync was turned on). The caller holds the
 * dossier's row lock. @returns whether a header was queued
 */
export async function queueHeader(
  trx: Knex.Transaction,
  config: Pick<Config, 'PORTAL_URL' | 'PUBLIC_URL'>,
  row: DossierRow,
  now: number,
): Promise<boolean> {
  if (!config.PORTAL_URL) return false;
  const header = await headerMessage(trx, config, row);
  if ((await lastHeaderPayload(trx, row.id, PORTAL_SERVICE.header)) === header.payload) return false;
  await insertPortalMessages(trx, [header], now);
  return true;
}

/**
 * Before a refused header is sent again: build it from the dossier as it is now (its data may have
 * been put right since). @returns why it still cannot be sent, or null
 */
export async function refreshRefusedHeader(
  trx: Knex.Transaction,
  config: Pick<Config, 'PUBLIC_URL'>,
  message: { id: number; dossier_code: string },
): Promise<string | null> {
  const row = await findDossierByCode(trx, message.dossier_code);
  if (!row) return 'Không còn hồ sơ này.';
  const header = await headerMessage(trx, config, row);
  await rewriteRefusedHeader(trx, message.id, header);
  return header.problem;
}

/** The sync state of each dossier (contract.md §2 `sync`), read in one pass for a page of them. */
export async function dossierSyncStates(db: Knex | Knex.Transaction, ids: number[]): Promise<Map<number, SyncState>> {
  const facts = await syncFactsOf(db, ids);
  return new Map(ids.map((id) => [id, syncStateOf(facts.get(id) ?? { total: 0, open: 0, head: null })]));
}

/** One dossier's sync state. */
export async function dossierSyncState(db: Knex | Knex.Transaction, id: number): Promise<SyncState> {
  return (await dossierSyncStates(db, [id])).get(id)!;
}
