/**
 * Demo units: Bạc Liêu province as the demo's history starts, three-tier (as before 1 July 2025).
 * The reorganisation (./reorganisation.ts) then brings today's two tiers: the communes under the
 * province, the districts and a few merged communes kept inactive as history.
 *
 * Code scheme (agency e-ID, after QCVN 102:2016/BTTTT):
 *   province committee   000.00.00.H05
 *   provincial department 000.00.3D.H05   (31 Sở Nội vụ, 32 Sở Tư pháp, 33 Sở TN&MT)
 *   district / city       000.00.0N.H05   (N = 1..7)
 *   commune / ward        000.MM.0N.H05   (MM = commune 01..03 within district N)
 * Parents come before their children.
 */
export interface SeedUnit {
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  parentCode: string | null;
  symbol: string | null;
  /** The desk's address and phone, shown to citizens on the lookup page. */
  address: string | null;
  phone: string | null;
}

const P = '000.00.00.H05';

const UNITS: Array<Omit<SeedUnit, 'address' | 'phone'>> = [
  // Tỉnh
  { code: P, name: 'UBND tỉnh Bạc Liêu', level: 'province', parentCode: null, symbol: 'UBND' },

  // Sở, ngành (cấp tỉnh)
  { code: '000.00.31.H05', name: 'Sở Nội vụ tỉnh Bạc Liêu', level: 'province', parentCode: P, symbol: 'SNV' },
  { code: '000.00.32.H05', name: 'Sở Tư pháp tỉnh Bạc Liêu', level: 'province', parentCode: P, symbol: 'STP' },
  {
    code: '000.00.33.H05',
    name: 'Sở Tài nguyên và Môi trường tỉnh Bạc Liêu',
    level: 'province',
    parentCode: P,
    symbol: 'STNMT',
  },

  // Huyện, thị xã, thành phố
  { code: '000.00.01.H05', name: 'UBND thành phố Bạc Liêu', level: 'district', parentCode: P, symbol: 'UBND-TPBL' },
  { code: '000.00.02.H05', name: 'UBND thị xã Giá Rai', level: 'district', parentCode: P, symbol: 'UBND-GR' },
  { code: '000.00.03.H05', name: 'UBND huyện Hòa Bình', level: 'district', parentCode: P, symbol: 'UBND-HB' },
  { code: '000.00.04.H05', name: 'UBND huyện Vĩnh Lợi', level: 'district', parentCode: P, symbol: 'UBND-VL' },
  { code: '000.00.05.H05', name: 'UBND huyện Đông Hải', level: 'district', parentCode: P, symbol: 'UBND-DH' },
  { code: '000.00.06.H05', name: 'UBND huyện Phước Long', level: 'district', parentCode: P, symbol: 'UBND-PL' },
  { code: '000.00.07.H05', name: 'UBND huyện Hồng Dân', level: 'district', parentCode: P, symbol: 'UBND-HD' },

  // Thành phố Bạc Liêu
  { code: '000.01.01.H05', name: 'UBND phường 1', level: 'commune', parentCode: '000.00.01.H05', symbol: 'UBND-P1' },
  { code: '000.02.01.H05', name: 'UBND phường 2', level: 'commune', parentCode: '000.00.01.H05', symbol: 'UBND-P2' },
  {
    code: '000.03.01.H05',
    name: 'UBND xã Hiệp Thành',
    level: 'commune',
    parentCode: '000.00.01.H05',
    symbol: 'UBND-HT',
  },

  // Thị xã Giá Rai
  {
    code: '000.01.02.H05',
    name: 'UBND phường Hộ Phòng',
    level: 'commune',
    parentCode: '000.00.02.H05',
    symbol: 'UBND-HPG',
  },
  {
    code: '000.02.02.H05',
    name: 'UBND phường Láng Tròn',
    level: 'commune',
    parentCode: '000.00.02.H05',
    symbol: 'UBND-LTR',
  },
  {
    code: '000.03.02.H05',
    name: 'UBND xã Phong Thạnh Đông',
    level: 'commune',
    parentCode: '000.00.02.H05',
    symbol: 'UBND-PTD',
  },

  // Huyện Hòa Bình
  {
    code: '000.01.03.H05',
    name: 'UBND thị trấn Hòa Bình',
    level: 'commune',
    parentCode: '000.00.03.H05',
    symbol: 'UBND-TTHB',
  },
  {
    code: '000.02.03.H05',
    name: 'UBND xã Vĩnh Mỹ A',
    level: 'commune',
    parentCode: '000.00.03.H05',
    symbol: 'UBND-VMA',
  },
  {
    code: '000.03.03.H05',
    name: 'UBND xã Minh Diệu',
    level: 'commune',
    parentCode: '000.00.03.H05',
    symbol: 'UBND-MD',
  },

  // Huyện Vĩnh Lợi
  {
    code: '000.01.04.H05',
    name: 'UBND thị trấn Châu Hưng',
    level: 'commune',
    parentCode: '000.00.04.H05',
    symbol: 'UBND-TTCH',
  },
  {
    code: '000.02.04.H05',
    name: 'UBND xã Châu Thới',
    level: 'commune',
    parentCode: '000.00.04.H05',
    symbol: 'UBND-CT',
  },
  { code: '000.03.04.H05', name: 'UBND xã Hưng Hội', level: 'commune', parentCode: '000.00.04.H05', symbol: 'UBND-HH' },

  // Huyện Đông Hải
  {
    code: '000.01.05.H05',
    name: 'UBND thị trấn Gành Hào',
    level: 'commune',
    parentCode: '000.00.05.H05',
    symbol: 'UBND-TTGH',
  },
  {
    code: '000.02.05.H05',
    name: 'UBND xã Long Điền',
    level: 'commune',
    parentCode: '000.00.05.H05',
    symbol: 'UBND-LD',
  },
  {
    code: '000.03.05.H05',
    name: 'UBND xã Điền Hải',
    level: 'commune',
    parentCode: '000.00.05.H05',
    symbol: 'UBND-DIH',
  },

  // Huyện Phước Long
  {
    code: '000.01.06.H05',
    name: 'UBND thị trấn Phước Long',
    level: 'commune',
    parentCode: '000.00.06.H05',
    symbol: 'UBND-TTPL',
  },
  {
    code: '000.02.06.H05',
    name: 'UBND xã Vĩnh Phú Đông',
    level: 'commune',
    parentCode: '000.00.06.H05',
    symbol: 'UBND-VPD',
  },
  {
    code: '000.03.06.H05',
    name: 'UBND xã Hưng Phú',
    level: 'commune',
    parentCode: '000.00.06.H05',
    symbol: 'UBND-HPU',
  },

  // Huyện Hồng Dân
  {
    code: '000.01.07.H05',
    name: 'UBND thị trấn Ngan Dừa',
    level: 'commune',
    parentCode: '000.00.07.H05',
    symbol: 'UBND-TTND',
  },
  {
    code: '000.02.07.H05',
    name: 'UBND xã Ninh Quới',
    level: 'commune',
    parentCode: '000.00.07.H05',
    symbol: 'UBND-NQ',
  },
  { code: '000.03.07.H05', name: 'UBND xã Lộc Ninh', level: 'commune', parentCode: '000.00.07.H05', symbol: 'UBND-LN' },
];

/** The desks' addresses (the units with demo staff get their own; the others a plausible one). */
const CONTACTS: Record<string, [address: string, phone: string]> = {
  [P]: ['Trung tâm Phục vụ hành chính công tỉnh, số 12 Hùng Vương, phường 1, TP Bạc Liêu', '0291 3822 222'],
  '000.00.31.H05': ['Số 02 Hoàng Văn Thụ, phường 3, TP Bạc Liêu', '0291 3823 156'],
  '000.00.01.H05': ['Số 01 Trần Phú, phường 3, TP Bạc Liêu', '0291 3824 474'],
  '000.00.03.H05': ['Quốc lộ 1A, thị trấn Hòa Bình, huyện Hòa Bình', '0291 3880 188'],
  '000.01.01.H05': ['Số 18 Nguyễn Thị Minh Khai, phường 1, TP Bạc Liêu', '0291 3822 701'],
  '000.03.01.H05': ['Ấp Bờ Xáng, xã Hiệp Thành, TP Bạc Liêu', '0291 3950 115'],
  '000.01.03.H05': ['Khóm 1, thị trấn Hòa Bình, huyện Hòa Bình', '0291 3880 326'],
};

export const SEED_UNITS: SeedUnit[] = UNITS.map((u) => {
  const [address, phone] = CONTACTS[u.code] ?? [`Trụ sở ${u.name}, tỉnh Bạc Liêu`, null];
  return { ...u, address, phone };
});
