import type { UserRow } from '../../../db/users/users';

export type { UserRow };

export function publicUser(u: Pick<UserRow, 'id' | 'username' | 'role' | 'areaId' | 'householdId' | 'displayName'>) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    areaId: u.areaId,
    householdId: u.householdId,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;
