import { maskIdNumber, maskPhone } from '../../lib/identity';

// An ID or mobile number standing alone inside free text (an import message, a note), not part of a longer token such as a hash.
const ID_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const PHONE_IN_TEXT = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
const PHONE_KEY = /phone|mobile|手机/i;
const ID_KEY = /idnumber|id_number|身份证/i;

function maskText(s: string): string {
  return s.replace(ID_IN_TEXT, (m) => maskIdNumber(m) ?? m).replace(PHONE_IN_TEXT, (m) => maskPhone(m) ?? m);
}

/**
 * The audit JSON as a reader without the right to personal data may see it: every phone and ID number
 * masked the way the household routes mask them, whether it sits under a named field or inside text.
 */
export function maskPersonal(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (PHONE_KEY.test(key)) return maskPhone(value);
    if (ID_KEY.test(key)) return maskIdNumber(value);
    return maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskPersonal(v, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPersonal(v, k)]));
  }
  return value;
}
