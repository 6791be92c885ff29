import type { HouseholdRow } from '../../../db/households/households';
import type { Actor } from '../../lib/context';
import { maskIdNumber, maskPhone } from '../../lib/identity';
import { managerRoles } from '../../lib/roles';

/** Cadres and the household itself see phone and ID numbers in full; everyone else sees them masked. */
export function seesPersonalData(actor: Actor, householdId: number): boolean {
  if (actor.role === 'household') return actor.householdId === householdId;
  return managerRoles.includes(actor.role);
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
