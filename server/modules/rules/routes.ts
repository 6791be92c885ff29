import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allRoles, allow, ctxOf, valid, type AppEnv } from '../../lib/http';
import { managerRoles } from '../../lib/roles';
import { IdParam } from '../../lib/params';
import { createRule } from './createRule';
import { listRules } from './listRules';
import { RuleAnswer, RuleListAnswer } from './responses';
import { CreateRuleBody, ListRulesQuery, UpdateRuleBody } from './schemas';
import { updateRule } from './updateRule';

const editors = managerRoles;

export const ruleRoutes = new Hono<AppEnv>()
  .get('/rules', describeRoute(doc({ tags: ['rules'], zh: '某区域现行的积分规则（本级及上级）', en: 'Rules in force in an area (own and inherited)', access: 'session', ok: { status: 200, schema: RuleListAnswer }, errors: ['not_found'] })), allow(...allRoles), valid('query', ListRulesQuery), async (c) =>
    c.json(answer(RuleListAnswer, await listRules(ctxOf(c), c.req.valid('query'))), 200),
  )
  .post('/rules', describeRoute(doc({ tags: ['rules'], zh: '新增积分规则', en: 'Add a rule to the catalogue', ok: { status: 201, schema: RuleAnswer }, errors: ['invalid_area', 'not_found', 'unknown_heading'] })), allow(...editors), valid('json', CreateRuleBody), async (c) =>
    c.json(answer(RuleAnswer, await createRule(ctxOf(c), c.req.valid('json'))), 201),
  )
  .patch(
    '/rules/:id',
    describeRoute(doc({ tags: ['rules'], zh: '修改积分规则（生成新版本）', en: 'Edit a rule (a new version)', ok: { status: 200, schema: RuleAnswer }, errors: ['not_found', 'unknown_heading'] })),
    allow(...editors),
    valid('param', IdParam),
    valid('json', UpdateRuleBody),
    async (c) => c.json(answer(RuleAnswer, await updateRule(ctxOf(c), c.req.valid('param').id, c.req.valid('json'))), 200),
  );
