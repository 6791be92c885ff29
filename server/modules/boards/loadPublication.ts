import { publicationWithPath } from '../../../db/boards/publications';
import type { Db } from '../../../db/client';
import type { Actor } from '../../lib/context';
import { NotFound } from '../../lib/errors';
import { pathWithin } from '../../lib/scope';
import type { PublicationRow } from './publicationView';

/** A publication whose area lies in the actor's area; 404 otherwise. */
export async function loadPublication(db: Db, actor: Actor, id: number): Promise<PublicationRow> {
  const found = await publicationWithPath(db, id);
  if (!found || !pathWithin(actor, found.path)) throw new NotFound('发布申请不存在');
  return found.publication;
}
