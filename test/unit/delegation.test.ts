import { delegationProblems, delegationStatus, delegationWords, periodsOverlap } from '../../workflows/delegation';
import { eventHash } from '../../server/services/audit';

describe('absence delegation words and rules', () => {
  it('words a signature by delegation as Decree 30/2020 does', () => {
    expect(delegationWords('KT', 'CHỦ TỊCH', null)).toEqual({ authority: 'KT. Chủ tịch', title: 'Phó Chủ tịch' });
    expect(delegationWords('KT', 'GIÁM ĐỐC', '')).toEqual({ authority: 'KT. Giám đốc', title: 'Phó Giám đốc' });
    expect(delegationWords('TUQ', 'CHỦ TỊCH', 'Chánh Văn phòng')).toEqual({
      authority: 'TUQ. Chủ tịch',
      title: 'Chánh Văn phòng',
    });
    expect(delegationWords('TUQ', 'CHỦ TỊCH', null)).toEqual({ authority: 'TUQ. Chủ tịch', title: null });
  });

  it('checks the period: in order, not over, not overlapping a live one', () => {
    const today = '2026-12-02';
    expect(delegationProblems({ fromDate: '2026-12-02', toDate: '2026-12-02' }, today, [])).toEqual({});
    expect(delegationProblems({ fromDate: '2026-12-05', toDate: '2026-12-04' }, today, [])).toEqual({
      toDate: 'Ngày kết thúc phải từ ngày bắt đầu trở đi',
    });
    expect(delegationProblems({ fromDate: '2026-11-01', toDate: '2026-12-01' }, today, [])).toEqual({
      toDate: 'Thời gian ủy quyền đã qua',
    });
    expect(
      delegationProblems({ fromDate: '2026-12-10', toDate: '2026-12-12' }, today, [
        { fromDate: '2026-12-12', toDate: '2026-12-20' },
      ]),
    ).toEqual({ fromDate: 'Trùng thời gian với ủy quyền khác từ 12/12/2026 đến 20/12/2026' });
    expect(
      periodsOverlap(
        { fromDate: '2026-12-01', toDate: '2026-12-09' },
        { fromDate: '2026-12-10', toDate: '2026-12-11' },
      ),
    ).toBe(false);
  });

  it('says where a delegation stands today', () => {
    const d = { fromDate: '2026-12-02', toDate: '2026-12-04', revokedAt: null };
    expect(delegationStatus(d, '2026-12-01').label).toBe('Chưa đến hạn');
    expect(delegationStatus(d, '2026-12-04').label).toBe('Đang hiệu lực');
    expect(delegationStatus(d, '2026-12-05').label).toBe('Đã hết hạn');
    expect(delegationStatus({ ...d, revokedAt: 1 }, '2026-12-03').label).toBe('Đã thu hồi');
  });
});

describe('the audit hash of an event done by delegation', () => {
  const event = {
    dossier_id: 1,
    type: 'FORWARD',
    from_state: 'sign',
    to_state: 'number',
    actor_id: 7,
    actor_username: 'pho.chu.tich',
    comment: null,
    at: 1_790_000_000_000,
    step_due_at: null,
    on_time: 1,
    dossier_version: 4,
    data: null,
  };
  const delegated = {
    ...event,
    on_behalf_of_user_id: 5,
    on_behalf_of_name: 'Đỗ Thanh Phong',
    delegation_kind: 'KT',
    delegation_authority: 'KT. Chủ tịch',
    delegate_title: 'Phó Chủ tịch',
  };

  it('leaves the hash of an event without delegation as it was before the columns existed', () => {
    const nulls = { ...event, on_behalf_of_user_id: null, on_behalf_of_name: null, delegation_kind: null };
    expect(eventHash('abc', nulls, 'dossier')).toBe(eventHash('abc', event, 'dossier'));
  });

  it('covers the on-behalf-of columns when present: editing them breaks the chain', () => {
    const h = eventHash('abc', delegated, 'dossier');
    expect(h).not.toBe(eventHash('abc', event, 'dossier'));
    expect(eventHash('abc', { ...delegated, on_behalf_of_name: 'Người khác' }, 'dossier')).not.toBe(h);
    expect(eventHash('abc', { ...delegated, delegation_kind: 'TUQ' }, 'dossier')).not.toBe(h);
  });
});
