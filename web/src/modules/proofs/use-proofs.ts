import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

const pub = api.public;

export type CheckpointKey = InferResponseType<(typeof pub)['checkpoint-key']['$get'], 200>;
export type CheckpointItem = InferResponseType<typeof pub.checkpoints.$get, 200>['items'][number];

export const getCheckpointKey = () => call(pub['checkpoint-key'].$get());
export const listCheckpoints = (limit = 10) => call(pub.checkpoints.$get({ query: { limit: String(limit) } }));
