/**
 * Demo procedure definitions (design.md §3 shape). Each satisfies:
 * unique lowercase snake_case step codes, known roles, positive hours,
 * Σ step hours ≤ totalDays × 8. Fees are in VND.
 *
 * Step `unit`: omitted = competent unit; 'parent' = its parent (liên thông);
 * or a unit code (e.g. '000.00.31.H05' Sở Nội vụ, '000.00.00.H05' UBND tỉnh).
 */
type Role = 'intake' | 'specialist' | 'head' | 'leader' | 'clerk';

interface SeedProcedureDef {
  code: string;
  name: string;
  field: string;
  totalDays: number;
  fee: number;
  documents: Array<{ code: string; name: string; required: boolean }>;
  /** What the dossier ends in (design.md §10): most demo procedures produce a signed, numbered result. */
  result?: { name: string; kind: string };
  steps: Array<{
    code: string;
    name: string;
    role: Role;
    hours: number;
    unit?: string;
    signs?: boolean;
    numbers?: boolean;
  }>;
}

const procedures: SeedProcedureDef[] = [
  // ── Cấp xã ───────────────────────────────────────────────────────────────
  {
    code: '1.000775',
    name: 'Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã về thành tích thực hiện nhiệm vụ chính trị',
    field: 'Thi đua, khen thưởng',
    totalDays: 10,
    fee: 0,
    result: { name: 'Quyết định tặng Giấy khen', kind: 'QĐ' },
    documents: [
      { code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng', required: true },
      {
        code: 'BAO_CAO_THANH_TICH',
        name: 'Báo cáo thành tích của tập thể, cá nhân được đề nghị khen thưởng',
        required: true,
      },
      { code: 'BIEN_BAN_HOP', name: 'Biên bản họp xét khen thưởng', required: false },
    ],
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, unit: 'competent', numbers: true },
    ],
  },
  {
    code: '1.001193',
    name: 'Thủ tục đăng ký khai sinh',
    field: 'Hộ tịch',
    totalDays: 1,
    fee: 0,
    result: { name: 'Giấy khai sinh', kind: 'GKS' },
    documents: [
      { code: 'TO_KHAI', name: 'Tờ khai đăng ký khai sinh theo mẫu', required: true },
      { code: 'GIAY_CHUNG_SINH', name: 'Giấy chứng sinh hoặc văn bản thay Giấy chứng sinh', required: true },
      { code: 'CCCD', name: 'Căn cước công dân của người đi đăng ký khai sinh', required: true },
      { code: 'GIAY_CN_KET_HON', name: 'Giấy chứng nhận kết hôn của cha, mẹ (nếu có)', required: false },
    ],
    steps: [
      { code: 'review', name: 'Kiểm tra hồ sơ, ghi Sổ hộ tịch', role: 'specialist', hours: 4 },
      { code: 'sign', name: 'Ký Giấy khai sinh', role: 'leader', hours: 2.5, signs: true },
      { code: 'number', name: 'Vào sổ, đóng dấu', role: 'clerk', hours: 1.5, numbers: true },
    ],
  },
  {
    code: '1.000894',
    name: 'Thủ tục đăng ký kết hôn',
    field: 'Hộ tịch',
    totalDays: 5,
    fee: 0,
    result: { name: 'Giấy chứng nhận kết hôn', kind: 'GCN' },
    documents: [
      { code: 'TO_KHAI', name: 'Tờ khai đăng ký kết hôn theo mẫu', required: true },
      { code: 'CCCD', name: 'Căn cước công dân của hai bên nam, nữ', required: true },
      {
        code: 'XAC_NHAN_HON_NHAN',
        name: 'Giấy xác nhận tình trạng hôn nhân (khi đăng ký khác nơi cư trú)',
        required: false,
      },
    ],
    steps: [
      { code: 'verify', name: 'Kiểm tra, xác minh điều kiện kết hôn', role: 'specialist', hours: 24 },
      { code: 'sign', name: 'Ký Giấy chứng nhận kết hôn', role: 'leader', hours: 8, signs: true },
      { code: 'number', name: 'Vào sổ, đóng dấu, hẹn trao', role: 'clerk', hours: 4, numbers: true },
    ],
  },
  {
    code: '1.004873',
    name: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân',
    field: 'Hộ tịch',
    totalDays: 3,
    fee: 0,
    result: { name: 'Giấy xác nhận tình trạng hôn nhân', kind: 'XN' },
    documents: [
      { code: 'TO_KHAI', name: 'Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu', required: true },
      { code: 'CCCD', name: 'Căn cước công dân của người yêu cầu', required: true },
      { code: 'BAN_AN_LY_HON', name: 'Bản án, quyết định ly hôn đã có hiệu lực (nếu đã ly hôn)', required: false },
    ],
    steps: [
      { code: 'review', name: 'Kiểm tra, xác minh tình trạng hôn nhân', role: 'specialist', hours: 12 },
      { code: 'sign', name: 'Ký Giấy xác nhận', role: 'leader', hours: 8, signs: true },
      { code: 'number', name: 'Vào sổ, đóng dấu', role: 'clerk', hours: 4, numbers: true },
    ],
  },
  {
    // Liên thông xã → huyện: xã tiếp nhận, xác minh; huyện thẩm định, quyết định.
    code: '1.001776',
    name: 'Thủ tục thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng',
    field: 'Bảo trợ xã hội',
    totalDays: 15,
    fee: 0,
    result: { name: 'Quyết định trợ cấp xã hội hằng tháng', kind: 'QĐ' },
    documents: [
      { code: 'TO_KHAI', name: 'Tờ khai đề nghị trợ giúp xã hội theo mẫu', required: true },
      { code: 'CCCD', name: 'Căn cước công dân của người đề nghị', required: true },
      {
        code: 'GIAY_XAC_NHAN_KHUYET_TAT',
        name: 'Giấy xác nhận khuyết tật (đối với người khuyết tật)',
        required: false,
      },
    ],
    steps: [
      { code: 'verify', name: 'Xác minh, niêm yết công khai', role: 'specialist', hours: 32 },
      { code: 'propose', name: 'Ký văn bản đề nghị gửi UBND cấp huyện', role: 'leader', hours: 8 },
      { code: 'appraise', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 40, unit: 'parent' },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8, unit: 'parent' },
      { code: 'decide', name: 'Ký quyết định trợ cấp', role: 'leader', hours: 8, unit: 'parent', signs: true },
      {
        code: 'issue',
        name: 'Vào số, đóng dấu, chuyển kết quả về xã',
        role: 'clerk',
        hours: 4,
        unit: 'parent',
        numbers: true,
      },
    ],
  },

  // ── Cấp huyện ────────────────────────────────────────────────────────────
  {
    code: '1.009997',
    name: 'Thủ tục cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ',
    field: 'Hoạt động xây dựng',
    totalDays: 15,
    fee: 75000,
    result: { name: 'Giấy phép xây dựng', kind: 'GPXD' },
    documents: [
      { code: 'DON_DE_NGHI', name: 'Đơn đề nghị cấp giấy phép xây dựng theo mẫu', required: true },
      { code: 'GIAY_CN_QSDD', name: 'Bản sao Giấy chứng nhận quyền sử dụng đất', required: true },
      { code: 'BAN_VE_THIET_KE', name: 'Bản vẽ thiết kế xây dựng (mặt bằng, mặt cắt, mặt đứng, móng)', required: true },
      { code: 'CAM_KET_AN_TOAN', name: 'Bản cam kết bảo đảm an toàn đối với công trình liền kề', required: false },
    ],
    steps: [
      { code: 'transfer', name: 'Chuyển hồ sơ đến phòng chuyên môn', role: 'intake', hours: 4 },
      { code: 'review', name: 'Thẩm định hồ sơ, kiểm tra thực địa', role: 'specialist', hours: 64 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 16 },
      { code: 'sign', name: 'Ký giấy phép xây dựng', role: 'leader', hours: 24, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, numbers: true },
    ],
  },
  {
    code: '2.000720',
    name: 'Thủ tục đăng ký thành lập hộ kinh doanh',
    field: 'Thành lập và hoạt động của hộ kinh doanh',
    totalDays: 3,
    fee: 100000,
    result: { name: 'Giấy chứng nhận đăng ký hộ kinh doanh', kind: 'GCN' },
    documents: [
      { code: 'GIAY_DE_NGHI', name: 'Giấy đề nghị đăng ký hộ kinh doanh', required: true },
      { code: 'CCCD', name: 'Bản sao giấy tờ pháp lý của cá nhân chủ hộ kinh doanh', required: true },
      {
        code: 'BIEN_BAN_HOP',
        name: 'Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh',
        required: false,
      },
      {
        code: 'VAN_BAN_UY_QUYEN',
        name: 'Văn bản ủy quyền cho thành viên hộ gia đình làm chủ hộ kinh doanh',
        required: false,
      },
    ],
    steps: [
      { code: 'review', name: 'Kiểm tra tính hợp lệ của hồ sơ', role: 'specialist', hours: 12 },
      { code: 'sign', name: 'Ký Giấy chứng nhận đăng ký hộ kinh doanh', role: 'head', hours: 6, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 2, numbers: true },
    ],
  },
  {
    // Liên thông huyện → Sở Nội vụ → UBND tỉnh.
    code: '1.000804',
    name: 'Thủ tục tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh về thành tích thực hiện nhiệm vụ chính trị',
    field: 'Thi đua, khen thưởng',
    totalDays: 20,
    fee: 0,
    result: { name: 'Quyết định tặng Bằng khen', kind: 'QĐ' },
    documents: [
      { code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng của UBND cấp huyện', required: true },
      {
        code: 'BAO_CAO_THANH_TICH',
        name: 'Báo cáo thành tích của tập thể, cá nhân được đề nghị khen thưởng',
        required: true,
      },
      { code: 'BIEN_BAN_HOI_DONG', name: 'Biên bản họp Hội đồng Thi đua - Khen thưởng cấp huyện', required: true },
    ],
    steps: [
      { code: 'review', name: 'Phòng Nội vụ rà soát, lập tờ trình', role: 'specialist', hours: 24 },
      { code: 'propose', name: 'Ký tờ trình đề nghị', role: 'leader', hours: 8 },
      { code: 'appraise', name: 'Thẩm định hồ sơ khen thưởng', role: 'specialist', hours: 40, unit: '000.00.31.H05' },
      { code: 'check', name: 'Xem xét, trình Giám đốc Sở', role: 'head', hours: 8, unit: '000.00.31.H05' },
      { code: 'submit', name: 'Ký tờ trình Chủ tịch UBND tỉnh', role: 'leader', hours: 8, unit: '000.00.31.H05' },
      {
        code: 'decide',
        name: 'Ký quyết định khen thưởng',
        role: 'leader',
        hours: 16,
        unit: '000.00.00.H05',
        signs: true,
      },
      {
        code: 'issue',
        name: 'Vào số, đóng dấu, phát hành',
        role: 'clerk',
        hours: 4,
        unit: '000.00.00.H05',
        numbers: true,
      },
    ],
  },
  // ── Nội vụ (cấp xã, cấp huyện) ──────────────────────────────────────────
  {
    code: '1.012379',
    name: 'Thủ tục tặng danh hiệu Lao động tiên tiến (cấp xã)',
    field: 'Thi đua, khen thưởng',
    totalDays: 20,
    fee: 0,
    result: { name: 'Quyết định tặng danh hiệu Lao động tiên tiến', kind: 'QĐ' },
    documents: [
      {
        code: 'VAN_BAN_DE_NGHI',
        name: 'Văn bản đề nghị kèm danh sách cá nhân được đề nghị tặng danh hiệu Lao động tiên tiến',
        required: true,
      },
      { code: 'BAO_CAO_THANH_TICH', name: 'Báo cáo thành tích của cá nhân', required: true },
      { code: 'BIEN_BAN_BINH_XET', name: 'Biên bản bình xét thi đua', required: true },
    ],
    steps: [
      {
        code: 'review',
        name: 'Thẩm định hồ sơ, báo cáo Hội đồng Thi đua - Khen thưởng xã',
        role: 'specialist',
        hours: 96,
      },
      { code: 'sign', name: 'Chủ tịch UBND xã ký quyết định', role: 'leader', hours: 40, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu, cấp Giấy chứng nhận', role: 'clerk', hours: 8, numbers: true },
    ],
  },
  {
    code: '2.000509',
    name: 'Thủ tục đăng ký hoạt động tín ngưỡng',
    field: 'Tín ngưỡng, tôn giáo',
    totalDays: 15,
    fee: 0,
    result: { name: 'Văn bản chấp thuận đăng ký hoạt động tín ngưỡng', kind: 'CV' },
    documents: [
      {
        code: 'VAN_BAN_DANG_KY',
        name: 'Văn bản đăng ký hoạt động tín ngưỡng hằng năm theo mẫu (nêu tên cơ sở, nội dung, quy mô, thời gian, địa điểm)',
        required: true,
      },
      {
        code: 'DANH_SACH_BAN_QUAN_LY',
        name: 'Danh sách ban quản lý hoặc văn bản cử người đại diện cơ sở tín ngưỡng',
        required: false,
      },
    ],
    steps: [
      { code: 'review', name: 'Công chức Văn hóa - Xã hội xem xét, thẩm định hồ sơ', role: 'specialist', hours: 72 },
      { code: 'sign', name: 'Chủ tịch UBND xã ký văn bản trả lời', role: 'leader', hours: 32, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu, chuyển trả kết quả', role: 'clerk', hours: 8, numbers: true },
    ],
  },
  {
    code: '1.001055',
    name: 'Thủ tục đăng ký sinh hoạt tôn giáo tập trung',
    field: 'Tín ngưỡng, tôn giáo',
    totalDays: 20,
    fee: 0,
    documents: [
      {
        code: 'VAN_BAN_DE_NGHI',
        name: 'Văn bản đề nghị đăng ký sinh hoạt tôn giáo tập trung theo mẫu',
        required: true,
      },
      {
        code: 'GIAY_TO_DIA_DIEM',
        name: 'Giấy tờ chứng minh có địa điểm hợp pháp để sinh hoạt tôn giáo tập trung',
        required: true,
      },
      { code: 'CCCD_NGUOI_DAI_DIEN', name: 'Bản sao Căn cước công dân của người đại diện nhóm', required: true },
      {
        code: 'VAN_BAN_TO_CHUC_TON_GIAO',
        name: 'Văn bản của tổ chức tôn giáo cử người đại diện (nếu thuộc tổ chức tôn giáo)',
        required: false,
      },
    ],
    steps: [
      { code: 'review', name: 'Xem xét hồ sơ, xác minh địa điểm sinh hoạt', role: 'specialist', hours: 96 },
      { code: 'sign', name: 'Chủ tịch UBND xã ký văn bản chấp thuận hoặc từ chối', role: 'leader', hours: 40 },
      { code: 'number', name: 'Vào số, đóng dấu, chuyển trả kết quả', role: 'clerk', hours: 8 },
    ],
  },
  {
    // Liên thông xã → huyện: xã tiếp nhận, cho ý kiến; Phòng Nội vụ huyện thẩm định, Chủ tịch UBND huyện quyết định.
    code: '1.003918',
    name: 'Thủ tục công nhận ban vận động thành lập hội có phạm vi hoạt động trong xã',
    field: 'Tổ chức phi chính phủ',
    totalDays: 30,
    fee: 0,
    result: { name: 'Quyết định công nhận ban vận động', kind: 'QĐ' },
    documents: [
      {
        code: 'DON_DE_NGHI',
        name: 'Đơn đề nghị công nhận ban vận động thành lập hội (tên, tôn chỉ, mục đích, phạm vi, lĩnh vực hoạt động)',
        required: true,
      },
      {
        code: 'DANH_SACH_BAN_VAN_DONG',
        name: 'Danh sách và trích ngang những người dự kiến trong ban vận động thành lập hội',
        required: true,
      },
      { code: 'LY_LICH_TRUONG_BAN', name: 'Lý lịch tư pháp của người dự kiến làm trưởng ban vận động', required: true },
      {
        code: 'Y_KIEN_CO_QUAN_QUAN_LY',
        name: 'Ý kiến của cơ quan có thẩm quyền (nếu người dự kiến làm trưởng ban là cán bộ, công chức)',
        required: false,
      },
    ],
    steps: [
      { code: 'verify', name: 'Kiểm tra hồ sơ, xác minh thành viên ban vận động', role: 'specialist', hours: 24 },
      { code: 'forward', name: 'Chủ tịch UBND xã cho ý kiến, chuyển UBND cấp huyện', role: 'leader', hours: 16 },
      { code: 'appraise', name: 'Phòng Nội vụ thẩm định hồ sơ', role: 'specialist', hours: 120, unit: 'parent' },
      { code: 'check', name: 'Trưởng phòng Nội vụ xem xét, trình ký', role: 'head', hours: 24, unit: 'parent' },
      {
        code: 'decide',
        name: 'Chủ tịch UBND huyện ký quyết định công nhận',
        role: 'leader',
        hours: 32,
        unit: 'parent',
        signs: true,
      },
      {
        code: 'issue',
        name: 'Vào số, đóng dấu, chuyển kết quả về xã',
        role: 'clerk',
        hours: 8,
        unit: 'parent',
        numbers: true,
      },
    ],
  },
  {
    code: '1.000843',
    name: 'Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện về thành tích thực hiện nhiệm vụ chính trị',
    field: 'Thi đua, khen thưởng',
    totalDays: 20,
    fee: 0,
    result: { name: 'Quyết định khen thưởng', kind: 'QĐ' },
    documents: [
      { code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng kèm danh sách tập thể, cá nhân', required: true },
      {
        code: 'BAO_CAO_THANH_TICH',
        name: 'Báo cáo thành tích của tập thể, cá nhân được đề nghị khen thưởng',
        required: true,
      },
      { code: 'BIEN_BAN_HOP', name: 'Biên bản họp Hội đồng Thi đua - Khen thưởng của đơn vị trình', required: true },
    ],
    steps: [
      { code: 'transfer', name: 'Chuyển hồ sơ đến Phòng Nội vụ', role: 'intake', hours: 4 },
      {
        code: 'review',
        name: 'Phòng Nội vụ thẩm định, trình Hội đồng Thi đua - Khen thưởng huyện',
        role: 'specialist',
        hours: 80,
      },
      { code: 'check', name: 'Trưởng phòng Nội vụ xem xét, trình ký', role: 'head', hours: 16 },
      { code: 'sign', name: 'Chủ tịch UBND huyện ký quyết định khen thưởng', role: 'leader', hours: 24, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu, in Giấy khen', role: 'clerk', hours: 8, numbers: true },
    ],
  },
  {
    code: '1.005384',
    name: 'Thủ tục thi tuyển công chức cấp xã',
    field: 'Công chức, viên chức',
    totalDays: 60,
    fee: 500000,
    documents: [
      { code: 'PHIEU_DANG_KY', name: 'Phiếu đăng ký dự tuyển theo mẫu', required: true },
      {
        code: 'GIAY_UU_TIEN',
        name: 'Giấy chứng nhận thuộc đối tượng ưu tiên trong tuyển dụng (nếu có)',
        required: false,
      },
      {
        code: 'VAN_BANG_CHUNG_CHI',
        name: 'Bản sao văn bằng, chứng chỉ, kết quả học tập (nộp khi trúng tuyển)',
        required: false,
      },
    ],
    steps: [
      { code: 'transfer', name: 'Chuyển Phiếu đăng ký dự tuyển đến Phòng Nội vụ', role: 'intake', hours: 8 },
      {
        code: 'review',
        name: 'Phòng Nội vụ rà soát điều kiện, tiêu chuẩn; lập danh sách thí sinh',
        role: 'specialist',
        hours: 160,
      },
      { code: 'exam', name: 'Hội đồng tuyển dụng tổ chức thi vòng 1, vòng 2', role: 'specialist', hours: 160 },
      { code: 'check', name: 'Trưởng phòng Nội vụ tổng hợp kết quả, trình phê duyệt', role: 'head', hours: 40 },
      {
        code: 'approve',
        name: 'Chủ tịch UBND huyện phê duyệt kết quả, quyết định tuyển dụng',
        role: 'leader',
        hours: 40,
      },
      { code: 'number', name: 'Vào số, đóng dấu, gửi thông báo kết quả', role: 'clerk', hours: 16 },
    ],
  },
];

/** Which level receives each procedure (by code). */
export const SEED_PROCEDURE_UNITS: Record<string, 'commune' | 'district'> = {
  '1.000775': 'commune',
  '1.001193': 'commune',
  '1.000894': 'commune',
  '1.004873': 'commune',
  '1.001776': 'commune',
  '1.009997': 'district',
  '2.000720': 'district',
  '1.000804': 'district',
  '1.012379': 'commune',
  '2.000509': 'commune',
  '1.001055': 'commune',
  '1.003918': 'commune',
  '1.000843': 'district',
  '1.005384': 'district',
};

// The definitions carry their level too: a commune desk's intake form offers commune procedures only.
export const SEED_PROCEDURES: unknown[] = procedures.map((p) => ({ ...p, level: SEED_PROCEDURE_UNITS[p.code] }));
