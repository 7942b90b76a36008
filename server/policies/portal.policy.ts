import { Actor, isAdmin } from './actor';

/**
 * The national-portal sync policy (design.md §12): the admin page — the sync queue across every
 * unit, the portal's raw answers (which carry applicants' data), resending, queuing old dossiers
 * and the failure alert — is the system administrator's. Pages ask it; the services enforce it.
 */

/** Whether this actor may see the sync queue and resend or queue messages. */
export const mayManagePortalSync = (actor: Actor): boolean => isAdmin(actor);
