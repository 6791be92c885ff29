import { describe, expect, it } from 'vitest';
import { normalizeIdNumber, normalizePhone, normalizeText, toHalfWidth } from '../../server/lib/normalize';
import { IdNumber, Phone } from '../../server/modules/households/schemas';
import { LoginBody } from '../../server/modules/auth/schemas';
import { parseQuantity } from '../../web/src/modules/awards/batch-grid';

describe('input as people type it', () => {
  it('turns full-width digits, letters and the ideographic space into ASCII, as NFKC would', () => {
    const full = '１３８ＡＢＣｘｙｚ　＃－';
    expect(toHalfWidth(full)).toBe('138ABCxyz #-');
    expect(toHalfWidth(full)).toBe(full.normalize('NFKC'));
  });

  it('leaves Chinese names and other characters alone (NFKC of the whole string would not)', () => {
    expect(toHalfWidth('张三・李四')).toBe('张三・李四');
    expect(toHalfWidth('㈱')).toBe('㈱');
  });

  it('ignores spaces and dashes of any width in a phone number', () => {
    expect(normalizePhone('１３８ １２３４－５６７８')).toBe('13812345678');
    expect(normalizePhone('138-1234-5678')).toBe('13812345678');
    expect(normalizePhone(' 138 1234 5678 ')).toBe('13812345678');
    expect(normalizePhone('138—1234—5678')).toBe('13812345678');
  });

  it('upper-cases the check letter and drops spaces in an ID number', () => {
    expect(normalizeIdNumber('１１０１０１ １９９００３０７ ２２３ｘ')).toBe('11010119900307223X');
  });

  it('is what the server schemas apply: a full-width phone and ID are accepted and stored as ASCII', () => {
    expect(Phone.parse('１３８－１２３４－５６７８')).toBe('13812345678');
    expect(Phone.safeParse('１３８－１２３４').success).toBe(false);
    expect(IdNumber.parse('１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
    expect(LoginBody.parse({ username: ' ＣＡＤＲＥ１ ', password: 'x' }).username).toBe('CADRE1');
  });

  it('reads full-width quantities in the batch grid', () => {
    expect(parseQuantity('１２')).toEqual({ ok: true, value: 12 });
    expect(parseQuantity('　３　')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('３ａ').ok).toBe(false);
  });

  it('trims search text but keeps its inner spaces', () => {
    expect(normalizeText('　张 三　')).toBe('张 三');
  });
});

describe('validation messages name fields in words', () => {
  it('labels a field by its last key, with the row for list items', async () => {
    const { fieldLabel } = await import('../../server/lib/fieldLabels');
    expect(fieldLabel(['headName'])).toBe('户主姓名');
    expect(fieldLabel(['members', 1, 'name'])).toBe('第 2 行名称');
    expect(fieldLabel(['somethingNew'])).toBe('somethingNew');
  });
});
