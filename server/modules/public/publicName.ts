import { maskName } from '../../lib/identity';

/** How a household appears on anything public: a masked name, or its door number when the area prefers that. */
export function publicName(mode: 'name' | 'door', headName: string, doorNo: string | null): string {
  if (mode === 'door' && doorNo) return /号$/.test(doorNo) ? doorNo : `${doorNo}号`;
  return maskName(headName);
}
