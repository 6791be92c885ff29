import { roles, type Role } from '../../db/users/users';

export { roles, type Role };

/**
 * The role groups routes and rules allow by: the one owner of "who counts as staff, a manager, a
 * reviewer". Who manages whose account is finer and lives in server/modules/users/policy.ts.
 */

/** Everyone who works for an area (not a household). */
export const staffRoles: readonly Role[] = ['county_admin', 'township_admin', 'village_cadre', 'reviewer', 'clerk'];
export const allRoles: readonly Role[] = [...staffRoles, 'household'];
/** County and township administrators: area settings, expiry and post-due runs. */
export const adminRoles: readonly Role[] = ['county_admin', 'township_admin'];
/** Cadres and above: register households, propose awards and listings, manage accounts, cards and rules. */
export const managerRoles: readonly Role[] = ['county_admin', 'township_admin', 'village_cadre'];
/** Who decides what a cadre proposed (民主评议): never the village cadre itself. */
export const reviewerRoles: readonly Role[] = ['county_admin', 'township_admin', 'reviewer'];
/** The staff console beyond the counter: boards, dashboard, audit log. */
export const consoleRoles: readonly Role[] = [...managerRoles, 'reviewer'];
/** Who keeps a store's goods: cadres and above, and the clerk. */
export const storekeeperRoles: readonly Role[] = [...managerRoles, 'clerk'];
