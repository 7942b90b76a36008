import { CHANNELS, EVENT_LABELS, RESERVED_STATES, ROLES, ROLE_LABELS, forwardLabel } from '../../../workflows/labels';
import {
  NATIONAL_STATUS,
  STATUS_TEXT,
  isFinalState,
  isResolvedState,
  isResolvingState,
  statusOfState,
} from '../../../workflows/status';

describe('dossier status mapping', () => {
  it.each([
    // state, status, statusText, national code, final, resolved
    ['review', 'processing', 'Đang xử lý', 4, false, false],
    ['number', 'processing', 'Đang xử lý', 4, false, false],
    ['waiting_supplement', 'waiting_supplement', 'Chờ bổ sung hồ sơ', 5, false, false],
    ['result_ready', 'result_ready', 'Đã có kết quả, chờ trả', 9, false, true],
    ['returned', 'returned', 'Đã trả kết quả', 10, true, true],
    ['refused', 'refused', 'Từ chối giải quyết', 3, true, true],
    ['withdrawn', 'withdrawn', 'Đã rút hồ sơ', 7, true, false],
  ] as const)('%s → %s (%s, national %i)', (state, status, text, national, final, resolved) => {
    expect(statusOfState(state)).toBe(status);
    expect(STATUS_TEXT[statusOfState(state)]).toBe(text);
    expect(NATIONAL_STATUS[statusOfState(state)]).toBe(national);
    expect(isFinalState(state)).toBe(final);
    expect(isResolvedState(state)).toBe(resolved);
  });

  it('sets resolvedAt only on reaching result_ready or refused', () => {
    expect(RESERVED_STATES.filter(isResolvingState)).toEqual(['result_ready', 'refused']);
    expect(isResolvingState('review')).toBe(false);
  });
});

describe('labels', () => {
  it('names every role and event in Vietnamese', () => {
    expect(ROLES.map((r) => ROLE_LABELS[r])).toEqual([
      'Quản trị hệ thống',
      'Cán bộ tiếp nhận (Bộ phận Một cửa)',
      'Chuyên viên xử lý',
      'Lãnh đạo phòng',
      'Lãnh đạo UBND',
      'Văn thư',
    ]);
    expect(EVENT_LABELS.EXTEND).toBe('Gia hạn, xin lỗi hẹn lại ngày trả');
    expect(CHANNELS[3]).toBe('Qua bưu chính công ích');
  });

  it('words FORWARD by who acts', () => {
    expect(forwardLabel('specialist')).toBe('Chuyển bước tiếp theo');
    expect(forwardLabel('head')).toBe('Duyệt');
    expect(forwardLabel('leader')).toBe('Ký duyệt');
    expect(forwardLabel('clerk')).toBe('Vào số, đóng dấu');
  });
});
