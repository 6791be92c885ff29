import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { allRoles, managerRoles } from '../../lib/roles';
import { changeOwnPassword } from './changeOwnPassword';
import { creatableRoles } from './creatableRoles';
import { createUser } from './createUser';
import { listUsers } from './listUsers';
import { ChangeOwnPasswordBody, CreateUserBody, ListUsersQuery, UpdateUserBody } from './schemas';
import { updateUser } from './updateUser';

export const userRoutes = new Hono<AppEnv>()
  .get('/users', describeRoute({ tags: ['users'], summary: 'Accounts in the actor area' }), allow(...managerRoles), valid('query', ListUsersQuery), async (c) =>
    c.json(await listUsers(ctxOf(c), c.req.valid('query')), 200),
  )
  .get('/users/roles', describeRoute({ tags: ['users'], summary: 'Roles the actor may create, with the area kinds each binds to' }), allow(...managerRoles), async (c) =>
    c.json(await creatableRoles(ctxOf(c)), 200),
  )
  .post('/users', describeRoute({ tags: ['users'], summary: 'Create an account the actor manages' }), allow(...managerRoles), valid('json', CreateUserBody), async (c) =>
    c.json(await createUser(ctxOf(c), c.req.valid('json')), 201),
  )
  .post(
    '/users/me/password',
    describeRoute({ tags: ['users'], summary: 'Change one’s own password (needs the current one; ends other sessions)' }),
    allow(...allRoles),
    valid('json', ChangeOwnPasswordBody),
    async (c) => c.json(await changeOwnPassword(ctxOf(c), c.req.valid('json')), 200),
  )
  .patch(
    '/users/:id',
    describeRoute({ tags: ['users'], summary: 'Change role, password or status of an account the actor manages (ends sessions)' }),
    allow(...managerRoles),
    valid('param', IdParam),
    valid('json', UpdateUserBody),
    async (c) => c.json(await updateUser(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
