import type { DossierRow } from '../queries/dossiers.queries';
import { dossierEventsFor } from '../policies/dossier.policy';
import { COMMENT_REQUIRED } from '../schemas/dossier.schema';
import { DossierMachine, ProcedureDefinition, stepOf } from '../../workflows/procedure';
import { DossierEventType, EVENT_LABELS, forwardLabel, ROLE_LABELS } from '../../workflows/labels';

export interface Action {
  type: DossierEventType;
  label: string;
  needsComment: boolean;
  needsDueAt: boolean;
  commentLabel: string;
  confirm: string | null;
  warning: string | null;
  danger: boolean;
}

const COMMENT_LABELS: Partial<Record<DossierEventType, string>> = {
  RETURN: 'Lý do trả lại',
  REQUEST_SUPPLEMENT: 'Nội dung cần bổ sung, hoàn thiện',
  REFUSE: 'Lý do từ chối giải quyết',
  EXTEND: 'Lý do chậm trễ, lời xin lỗi',
  WITHDRAW: 'Lý do rút hồ sơ',
};

/**
 * The actions this user may take on the dossier now: what the machine allows in its state, filtered
 * by the same role-and-unit rule the transition service enforces. The page shows exactly these, so
 * it never offers a control the server would refuse.
 */
export function availableActions(
  user: Express.User,
  row: DossierRow,
  def: ProcedureDefinition,
  machine: DossierMachine,
): Action[] {
  const step = stepOf(def, row.state);
  return dossierEventsFor(user, row, def, machine).map((type) => ({
    type,
    label:
      type === 'FORWARD' && step
        ? def.steps.at(-1) === step && step.role !== 'clerk' && step.role !== 'leader'
          ? 'Hoàn thành, chuyển trả kết quả'
          : forwardLabel(step.role)
        : EVENT_LABELS[type],
    needsComment: (COMMENT_REQUIRED as readonly string[]).includes(type),
    needsDueAt: type === 'EXTEND',
    commentLabel: COMMENT_LABELS[type] ?? 'Ghi chú (không bắt buộc)',
    confirm:
      type === 'REFUSE'
        ? 'Từ chối giải quyết hồ sơ này? Thao tác không thể hoàn tác.'
        : type === 'WITHDRAW'
          ? 'Xác nhận công dân rút hồ sơ? Thao tác không thể hoàn tác.'
          : type === 'RETURN_RESULT'
            ? 'Xác nhận đã trả kết quả cho công dân?'
            : type === 'EXTEND'
              ? 'Gia hạn chỉ được một lần cho mỗi hồ sơ. Tiếp tục?'
              : null,
    warning:
      type === 'REQUEST_SUPPLEMENT' && row.supplement_count >= 1
        ? `Hồ sơ đã được yêu cầu bổ sung ${row.supplement_count} lần. Yêu cầu thêm lần nữa sẽ tính hồ sơ là trễ hạn (Quyết định 766/QĐ-TTg).`
        : null,
    danger: type === 'REFUSE' || type === 'WITHDRAW',
  }));
}

/** Who acts now, in words, for the dossier page ("Chuyên viên xử lý — UBND phường 1"). */
export function whoActs(row: DossierRow, def: ProcedureDefinition): string | null {
  const step = stepOf(def, row.state);
  if (step) return `${ROLE_LABELS[step.role]} — ${row.handling_name ?? ''}`;
  if (row.state === 'waiting_supplement' || row.state === 'result_ready')
    return `${ROLE_LABELS.intake} — ${row.receiving_name}`;
  return null;
}
