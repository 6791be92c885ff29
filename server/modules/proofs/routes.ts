import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { answer, doc } from '../../lib/apiDoc';
import { allow, allRoles, ctxOf, publicCtxOf, valid, type AppEnv } from '../../lib/http';
import { IdParam } from '../../lib/params';
import { createCheckpoint } from './createCheckpoint';
import { getCheckpoint } from './getCheckpoint';
import { getCheckpointKey } from './getCheckpointKey';
import { getConsistencyProof } from './getConsistencyProof';
import { getHouseholdProofs } from './getHouseholdProofs';
import { getInclusionProof } from './getInclusionProof';
import { getLatestCheckpoint } from './getLatestCheckpoint';
import { listCheckpoints } from './listCheckpoints';
import { CheckpointAnswer, CheckpointKeyAnswer, CheckpointListAnswer, ConsistencyProofAnswer, HouseholdProofsAnswer, InclusionProofAnswer } from './responses';
import { CheckpointListQuery, ConsistencyQuery, CreateCheckpointBody, InclusionQuery, LatestCheckpointQuery } from './schemas';

const tags = ['proofs'];

export const proofRoutes = new Hono<AppEnv>()
  .get(
    '/public/checkpoint-key',
    describeRoute(doc({ tags, zh: '检查点签名公钥与指纹（无需登录）', en: 'The checkpoint signing public key and its fingerprint (no login)', access: 'public', noInput: true, ok: { status: 200, schema: CheckpointKeyAnswer } })),
    async (c) => c.json(answer(CheckpointKeyAnswer, await getCheckpointKey(publicCtxOf(c))), 200),
  )
  .get(
    '/public/checkpoints',
    describeRoute(doc({ tags, zh: '签名检查点列表，新的在前（无需登录）', en: 'Signed checkpoints, newest first (no login)', access: 'public', ok: { status: 200, schema: CheckpointListAnswer } })),
    valid('query', CheckpointListQuery),
    async (c) => c.json(answer(CheckpointListAnswer, await listCheckpoints(publicCtxOf(c), c.req.valid('query'))), 200),
  )
  .get(
    '/public/checkpoints/latest',
    describeRoute(doc({ tags, zh: '县最新的签名检查点（无需登录）', en: "A county's newest signed checkpoint (no login)", access: 'public', ok: { status: 200, schema: CheckpointAnswer }, errors: ['not_found'] })),
    valid('query', LatestCheckpointQuery),
    async (c) => c.json(answer(CheckpointAnswer, await getLatestCheckpoint(publicCtxOf(c), c.req.valid('query'))), 200),
  )
  .get(
    '/public/checkpoints/:id',
    describeRoute(doc({ tags, zh: '一个签名检查点（无需登录）', en: 'One signed checkpoint (no login)', access: 'public', ok: { status: 200, schema: CheckpointAnswer }, errors: ['not_found'] })),
    valid('param', IdParam),
    async (c) => c.json(answer(CheckpointAnswer, await getCheckpoint(publicCtxOf(c), c.req.valid('param').id)), 200),
  )
  .post(
    '/checkpoints',
    describeRoute(doc({ tags, zh: '立即生成本县的签名检查点', en: 'Make a signed checkpoint of the county now', ok: { status: 201, schema: CheckpointAnswer }, errors: ['not_found', 'wrong_area_kind'] })),
    allow('county_admin'),
    valid('json', CreateCheckpointBody),
    async (c) => c.json(answer(CheckpointAnswer, await createCheckpoint(ctxOf(c), c.req.valid('json'))), 201),
  )
  .get(
    '/public/villages/:id/proof/inclusion',
    describeRoute(doc({ tags, zh: '一条流水在村默克尔树中的包含证明（无需登录）', en: "Inclusion proof of one entry in a village's Merkle tree (no login)", access: 'public', ok: { status: 200, schema: InclusionProofAnswer }, errors: ['not_found', 'conflict'] })),
    valid('param', IdParam),
    valid('query', InclusionQuery),
    async (c) => c.json(answer(InclusionProofAnswer, await getInclusionProof(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  )
  .get(
    '/public/villages/:id/proof/consistency',
    describeRoute(doc({ tags, zh: '村账本两个长度之间的一致性证明（无需登录）', en: "Consistency proof between two sizes of a village's ledger (no login)", access: 'public', ok: { status: 200, schema: ConsistencyProofAnswer }, errors: ['not_found', 'conflict'] })),
    valid('param', IdParam),
    valid('query', ConsistencyQuery),
    async (c) => c.json(answer(ConsistencyProofAnswer, await getConsistencyProof(publicCtxOf(c), c.req.valid('param').id, c.req.valid('query'))), 200),
  )
  .get(
    '/households/:id/proofs',
    describeRoute(doc({ tags, zh: '农户自己的积分流水及其在最新检查点中的包含证明', en: "A household's entries with inclusion proofs against the latest checkpoint (a household: its own)", access: 'session', ok: { status: 200, schema: HouseholdProofsAnswer }, errors: ['not_found', 'conflict'] })),
    allow(...allRoles),
    valid('param', IdParam),
    async (c) => c.json(answer(HouseholdProofsAnswer, await getHouseholdProofs(ctxOf(c), c.req.valid('param').id)), 200),
  );
