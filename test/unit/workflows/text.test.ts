import { fold, searchText } from '../../../workflows/text';

describe('fold (search text)', () => {
  it('drops case and Vietnamese diacritics, đ as d', () => {
    expect(fold('Hồ Văn Lợi')).toBe('ho van loi');
    expect(fold('HỒ VĂN LỢI')).toBe('ho van loi');
    expect(fold('Đặng Thị Ánh Tuyết')).toBe('dang thi anh tuyet');
    expect(fold('đường Nguyễn Trãi')).toBe('duong nguyen trai');
    expect(fold('ƯỚC MƠ Ở ĐÂU')).toBe('uoc mo o dau');
  });

  it('is the same for composed and decomposed input', () => {
    const composed = 'Nguyễn';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(fold(decomposed)).toBe(fold(composed));
  });

  it('collapses and trims white space, keeps digits, dots and dashes', () => {
    expect(fold('  Nguyễn \t Văn\n\nAn  ')).toBe('nguyen van an');
    expect(fold('000.00.31.H05-270428-0001')).toBe('000.00.31.h05-270428-0001');
  });

  it('a folded query is a substring of the folded name it should find', () => {
    expect(fold('Nguyễn Văn An').includes(fold('nguyen van'))).toBe(true);
    expect(fold('Đinh Bộ Lĩnh').includes(fold('d'))).toBe(true);
    expect(fold('Lê Lợi').includes(fold('lơi'))).toBe(true);
  });

  it('searchText joins the parts that are there', () => {
    expect(searchText('H05-270428-0001', 'Hồ Văn Lợi')).toBe('h05-270428-0001 ho van loi');
    expect(searchText('admin', null, undefined, '')).toBe('admin');
  });
});
