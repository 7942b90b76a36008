import type { ActiveDelegation } from '../../policies/actor';
import { delegationWordsOf } from '../../../workflows/delegation';

/**
 * The event columns recording that the actor acted for a leader by an absence delegation (migration
 * 027; covered by the hash chain when present), or none when the actor acted in their own right.
 */
export function onBehalfColumns(d: ActiveDelegation | null): Record<string, unknown> {
  if (!d) return {};
  const w = delegationWordsOf(d);
  return {
    on_behalf_of_user_id: d.leaderId,
    on_behalf_of_name: d.leaderName,
    delegation_kind: d.kind,
    delegation_authority: w.authority,
    delegate_title: w.title,
  };
}
