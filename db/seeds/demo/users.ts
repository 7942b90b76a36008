/**
 * Demo users: one per role (intake, specialist, head, leader, clerk) in
 * UBND tỉnh, Sở Nội vụ, TP Bạc Liêu, huyện Hòa Bình and four communes.
 * Username = <role word>.<unit short name>; e-mail = <username>@baclieu.gov.vn.
 * All share the demo password (set by the seeder, not here). These are the units they start in: in
 * the 2025 reorganisation (./reorganisation.ts) the district people move with their district's work
 * to the commune at its seat (e.g. the *.tpbl users to phường 1, the *.hb users to thị trấn Hòa Bình).
 */
export interface SeedUser {
  username: string;
  fullName: string;
  email: string | null;
  unitCode: string;
  roles: Array<'admin' | 'intake' | 'specialist' | 'head' | 'leader' | 'clerk'>;
}

const MAIL = '@baclieu.gov.vn';

const u = (username: string, fullName: string, unitCode: string, role: SeedUser['roles'][number]): SeedUser => ({
  username,
  fullName,
  email: username + MAIL,
  unitCode,
  roles: [role],
});

const TINH = '000.00.00.H05'; // UBND tỉnh Bạc Liêu
const SNV = '000.00.31.H05'; // Sở Nội vụ
const TPBL = '000.00.01.H05'; // UBND thành phố Bạc Liêu
const HB = '000.00.03.H05'; // UBND huyện Hòa Bình
const P1 = '000.01.01.H05'; // UBND phường 1 (TP Bạc Liêu)
const HT = '000.03.01.H05'; // UBND xã Hiệp Thành (TP Bạc Liêu)
const TTHB = '000.01.03.H05'; // UBND thị trấn Hòa Bình
const VMA = '000.02.03.H05'; // UBND xã Vĩnh Mỹ A (huyện Hòa Bình)

export const SEED_USERS: SeedUser[] = [
  // UBND tỉnh Bạc Liêu
  u('motcua.tinh', 'Nguyễn Thị Thu Hà', TINH, 'intake'),
  u('chuyenvien.tinh', 'Trần Quốc Bảo', TINH, 'specialist'),
  u('truongphong.tinh', 'Lê Minh Tâm', TINH, 'head'),
  u('lanhdao.tinh', 'Phạm Văn Hùng', TINH, 'leader'),
  u('vanthu.tinh', 'Huỳnh Thị Kim Ngân', TINH, 'clerk'),

  // Sở Nội vụ
  u('motcua.snv', 'Võ Thị Ngọc Trâm', SNV, 'intake'),
  u('chuyenvien.snv', 'Đặng Hoàng Phúc', SNV, 'specialist'),
  u('truongphong.snv', 'Bùi Thanh Sơn', SNV, 'head'),
  u('lanhdao.snv', 'Dương Văn Thắng', SNV, 'leader'),
  u('vanthu.snv', 'Lý Thị Mỹ Linh', SNV, 'clerk'),

  // UBND thành phố Bạc Liêu
  u('motcua.tpbl', 'Nguyễn Văn An', TPBL, 'intake'),
  u('chuyenvien.tpbl', 'Trần Thị Bích', TPBL, 'specialist'),
  u('truongphong.tpbl', 'Lê Hoàng Nam', TPBL, 'head'),
  u('lanhdao.tpbl', 'Châu Văn Lợi', TPBL, 'leader'),
  u('vanthu.tpbl', 'Tạ Thị Hồng Nhung', TPBL, 'clerk'),

  // UBND huyện Hòa Bình
  u('motcua.hb', 'Phan Thị Thanh Thúy', HB, 'intake'),
  u('chuyenvien.hb', 'Ngô Minh Trí', HB, 'specialist'),
  u('truongphong.hb', 'Hồ Văn Khải', HB, 'head'),
  u('lanhdao.hb', 'Trịnh Quang Vinh', HB, 'leader'),
  u('vanthu.hb', 'Mai Thị Diễm', HB, 'clerk'),

  // UBND phường 1 (TP Bạc Liêu)
  u('motcua.p1', 'Lâm Thị Cẩm Tú', P1, 'intake'),
  u('chuyenvien.p1', 'Nguyễn Thành Đạt', P1, 'specialist'),
  u('truongphong.p1', 'Trương Văn Hiếu', P1, 'head'),
  u('lanhdao.p1', 'Đỗ Thanh Phong', P1, 'leader'),
  u('vanthu.p1', 'Quách Thị Yến', P1, 'clerk'),

  // UBND xã Hiệp Thành (TP Bạc Liêu)
  u('motcua.ht', 'Kim Thị Sa Ra', HT, 'intake'),
  u('chuyenvien.ht', 'Tô Văn Nghĩa', HT, 'specialist'),
  u('truongphong.ht', 'La Quốc Toàn', HT, 'head'),
  u('lanhdao.ht', 'Thạch Văn Sang', HT, 'leader'),
  u('vanthu.ht', 'Nguyễn Thị Mỹ Duyên', HT, 'clerk'),

  // UBND thị trấn Hòa Bình
  u('motcua.tthb', 'Văn Thị Kiều Oanh', TTHB, 'intake'),
  u('chuyenvien.tthb', 'Lê Văn Tài', TTHB, 'specialist'),
  u('truongphong.tthb', 'Cao Minh Luân', TTHB, 'head'),
  u('lanhdao.tthb', 'Huỳnh Văn Dũng', TTHB, 'leader'),
  u('vanthu.tthb', 'Trần Thị Ngọc Hân', TTHB, 'clerk'),

  // UBND xã Vĩnh Mỹ A (huyện Hòa Bình)
  u('motcua.vma', 'Phạm Thị Hồng Gấm', VMA, 'intake'),
  u('chuyenvien.vma', 'Võ Văn Lành', VMA, 'specialist'),
  u('truongphong.vma', 'Đinh Công Thành', VMA, 'head'),
  u('lanhdao.vma', 'Nguyễn Hữu Phước', VMA, 'leader'),
  u('vanthu.vma', 'Lưu Thị Bé Tư', VMA, 'clerk'),
];
