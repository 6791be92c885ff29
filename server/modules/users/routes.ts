import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { createUser } from './createUser';
import { listUsers } from './listUsers';
import { CreateUserBody, ListUsersQuery, UpdateUserBody } from './schemas';
import { updateUser } from './updateUser';

const managers = ['county_admin', 'township_admin', 'village_cadre'] as const;

export const userRoutes = new Hono<AppEnv>()
  .get('/users', describeRoute({ tags: ['users'], summary: 'Accounts in the actor area' }), allow(...managers), valid('query', ListUsersQuery), (c) =>
    c.json(listUsers(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/users', describeRoute({ tags: ['users'], summary: 'Create an account' }), allow(...managers), valid('json', CreateUserBody), async (c) =>
    c.json(await createUser(ctxOf(c), c.req.valid('json')), 201),
  )
  .patch(
    '/users/:id',
    describeRoute({ tags: ['users'], summary: 'Change role, password or status (ends sessions)' }),
    allow(...managers),
    valid('param', IdParam),
    valid('json', UpdateUserBody),
    async (c) => c.json(await updateUser(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
