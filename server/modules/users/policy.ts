import type { Actor } from '../../lib/context';
import type { Role } from '../../lib/roles';

/**
 * Who manages which accounts: the one place this is decided. Account management sits above the village:
 * a village cadre manages only its village's household accounts, so it can never make or take over an
 * account that approves its own proposals or serves a counter. Nobody manages a peer or anyone above;
 * one's own password changes only through the self-service route that asks for the old one.
 */
export const managedRoles: Record<Role, readonly Role[]> = {
  county_admin: ['township_admin', 'village_cadre', 'reviewer', 'clerk', 'household'],
  township_admin: ['village_cadre', 'reviewer', 'clerk', 'household'],
  village_cadre: ['household'],
  reviewer: [],
  clerk: [],
  household: [],
};

/** The area kinds each role can be bound to. */
export const roleAreaKinds: Record<Role, readonly string[]> = {
  county_admin: ['county'],
  township_admin: ['township'],
  village_cadre: ['village'],
  reviewer: ['village', 'township'],
  clerk: ['village', 'township'],
  household: ['village'],
};

/**
 * How high an account stands, for rules such as "reverse only what someone at your level or below wrote".
 * Village staff stand level with each other; what separates a township reviewer from a village cadre is
 * the area, which callers check as well.
 */
export const roleLevel: Record<Role, number> = {
  county_admin: 3,
  township_admin: 2,
  village_cadre: 1,
  reviewer: 1,
  clerk: 1,
  household: 0,
};

export interface AccountRef {
  role: Role;
  /** Materialised path of the account's area. */
  areaPath: string;
}

/** Whether the actor may create, reset, rename, enable or disable an account with this role in this area. */
export function mayManage(actor: Pick<Actor, 'role' | 'areaPath'>, target: AccountRef): boolean {
  return managedRoles[actor.role].includes(target.role) && target.areaPath.startsWith(actor.areaPath);
}

/** Whether a record written by `author` lies within the actor's authority: the actor itself, or someone at its level or below inside its area. */
export function withinAuthority(actor: Pick<Actor, 'userId' | 'role' | 'areaPath'>, author: AccountRef & { id: number }): boolean {
  if (author.id === actor.userId) return true;
  return roleLevel[author.role] <= roleLevel[actor.role] && author.areaPath.startsWith(actor.areaPath);
}
