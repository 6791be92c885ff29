import type { Role } from '../../../db/schema/users';

/** Which roles an actor may create or assign: never one above its own. */
export const assignableRoles: Record<Role, Role[]> = {
  county_admin: ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk', 'household'],
  township_admin: ['township_admin', 'village_cadre', 'reviewer', 'clerk', 'household'],
  village_cadre: ['reviewer', 'clerk', 'household'],
  reviewer: [],
  clerk: [],
  household: [],
};

/** The area kinds each role can be bound to. */
export const roleAreaKinds: Record<Role, string[]> = {
  county_admin: ['county'],
  township_admin: ['township'],
  village_cadre: ['village'],
  reviewer: ['village', 'township'],
  clerk: ['village', 'township'],
  household: ['village'],
};
