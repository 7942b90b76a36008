/**
 * The service benchmark: one FORWARD through the app's transition service
 * (server/services/transition.service.ts): visibility read, XState restore, authorization,
 * event, version-checked update, hash-chained event row, outbox row, one transaction.
 */
import { applyDossierEvent } from '../server/services/transition.service';
import type { Op } from './floor';
import type { World } from './world';

export function serviceOp(w: World): Op {
  return (d) =>
    applyDossierEvent(w.db.knex, w.config, w.user, d.code, { type: 'FORWARD', version: d.version }, Date.now());
}
