import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { createRule } from './createRule';
import { listRules } from './listRules';
import { CreateRuleBody, ListRulesQuery, UpdateRuleBody } from './schemas';
import { updateRule } from './updateRule';

const editors = managerRoles;

export const ruleRoutes = new Hono<AppEnv>()
  .get('/rules', describeRoute({ tags: ['rules'], summary: 'Rules in force in an area (own and inherited)' }), allow(...allRoles), valid('query', ListRulesQuery), async (c) =>
    c.json(await listRules(ctxOf(c), c.req.valid('query')), 200),
  )
  .post('/rules', describeRoute({ tags: ['rules'], summary: 'Add a rule to the catalogue' }), allow(...editors), valid('json', CreateRuleBody), async (c) =>
    c.json(await createRule(ctxOf(c), c.req.valid('json')), 201),
  )
  .patch(
    '/rules/:id',
    describeRoute({ tags: ['rules'], summary: 'Edit a rule (new version)' }),
    allow(...editors),
    valid('param', IdParam),
    valid('json', UpdateRuleBody),
    async (c) => c.json(await updateRule(ctxOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );
