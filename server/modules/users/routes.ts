import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles } from '../../lib/roles';
import { changeOwnPassword } from './changeOwnPassword';
import { creatableRoles } from './creatableRoles';
import { createUser } from './createUser';
import { listUsers } from './listUsers';
import { AccountAnswer, CreatableRolesAnswer, PasswordChangedAnswer, UserListAnswer } from './responses';
import { ChangeOwnPasswordBody, CreateUserBody, ListUsersQuery, UpdateUserBody } from './schemas';
import { updateUser } from './updateUser';

export const userRoutes = new Hono<AppEnv>()
  .get('/users', describeRoute(doc({ tags: ['users'], zh: '本区域及下级的账号', en: "Accounts in the actor's area", ok: { status: 200, schema: UserListAnswer } })), allow(...managerRoles), valid('query', ListUsersQuery), async (c) =>
    c.json(answer(UserListAnswer, await listUsers(ctxOf(c), c.req.valid('query'))), 200),
  )
  .get('/users/roles', describeRoute(doc({ tags: ['users'], zh: '可创建的角色及其对应的区域级别', en: 'Roles the actor may create, with the area kinds each binds to', noInput: true, ok: { status: 200, schema: CreatableRolesAnswer } })), allow(...managerRoles), async (c) =>
    c.json(answer(CreatableRolesAnswer, await creatableRoles(ctxOf(c))), 200),
  )
  .post('/users', describeRoute(doc({ tags: ['users'], zh: '创建账号', en: 'Create an account the actor manages', ok: { status: 201, schema: AccountAnswer }, errors: ['invalid_area', 'not_found', 'role_not_allowed', 'username_taken'] })), allow(...managerRoles), valid('json', CreateUserBody), async (c) =>
    c.json(answer(AccountAnswer, await createUser(ctxOf(c), c.req.valid('json'))), 201),
  )
  .post(
    '/users/me/password',
    describeRoute(doc({ tags: ['users'], zh: '修改自己的密码（需当前密码，其他会话失效）', en: 'Change one’s own password (needs the current one; ends other sessions)', access: 'session', ok: { status: 200, schema: PasswordChangedAnswer }, errors: [[403, 'bad_credentials'], 'forbidden', 'too_many_requests'] })),
    allow(...allRoles),
    valid('json', ChangeOwnPasswordBody),
    async (c) => c.json(answer(PasswordChangedAnswer, await changeOwnPassword(ctxOf(c), c.req.valid('json'))), 200),
  )
  .patch(
    '/users/:id',
    describeRoute(doc({ tags: ['users'], zh: '修改账号的角色、密码或状态（结束其会话）', en: 'Change role, password or status of an account the actor manages (ends its sessions)', ok: { status: 200, schema: AccountAnswer }, errors: ['invalid_area', 'not_found', 'own_account', 'role_not_allowed'] })),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateUserBody),
    async (c) => c.json(answer(AccountAnswer, await updateUser(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
