import type { households } from '../../../db/schema';
import type { Actor } from '../../lib/context';
import { maskIdNumber, maskPhone } from '../../lib/identity';

type HouseholdRow = typeof households.$inferSelect;

/** Cadres and the household itself see phone and ID numbers in full; everyone else sees them masked. */
export function seesPersonalData(actor: Actor, householdId: number): boolean {
  if (actor.role === 'household') return actor.householdId === householdId;
  return actor.role === 'village_cadre' || actor.role === 'township_admin' || actor.role === 'county_admin';
}

export function presentHousehold(actor: Actor, h: HouseholdRow) {
  const full = seesPersonalData(actor, h.id);
  return {
    id: h.id,
    villageId: h.villageId,
    groupId: h.groupId,
    headName: h.headName,
    doorNo: h.doorNo,
    phone: full ? h.phone : maskPhone(h.phone),
    idNumber: full ? h.idNumber : maskIdNumber(h.idNumber),
    category: h.category,
    balance: h.balance,
    status: h.status,
    redemptionSuspended: h.redemptionSuspended,
    createdAt: h.createdAt,
  };
}
