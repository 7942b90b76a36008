import type { ActiveDelegation } from '../policies/actor';
import { delegationWordsOf, vnDay } from '../../workflows/delegation';

/** The home page's notice to a deputy while a delegation to them is in force. */
export function delegationNotice(d: ActiveDelegation): { authority: string; text: string } {
  const w = delegationWordsOf(d);
  return {
    authority: w.authority,
    text:
      `Bạn đang được ${d.leaderName} ủy quyền từ ${vnDay(d.fromDate)} đến hết ${vnDay(d.toDate)}: ` +
      `các hồ sơ ở bước của lãnh đạo có trong “Việc cần xử lý”, bạn ký “${w.authority}”.`,
  };
}
