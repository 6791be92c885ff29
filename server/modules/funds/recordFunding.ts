import { readDb } from '../../../db/client';
import { insertFundEntry } from '../../../db/funds/entries';
import { shanghaiDay } from '../../../db/time';
import { transaction } from '../../../db/transaction';
import { writeAudit } from '../../lib/audit';
import type { Ctx } from '../../lib/context';
import { Invalid, Unprocessable } from '../../lib/errors';
import { getManagedStore } from '../goods/stores';
import type { FundingBody } from './schemas';

/** The first day of the month before the one `day` is in: books older than that are closed. */
export function firstOpenDay(day: string): string {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
}

/**
 * Records money coming into a store (财政拨款 / 帮扶单位 / 社会捐赠 / 村集体). The book day may be late by up
 * to the previous month (a transfer noticed after month end), never in the future nor in a month whose
 * statement an auditor may already have taken.
 */
export async function recordFunding(ctx: Ctx, body: FundingBody) {
  const store = await getManagedStore(readDb(ctx.db), ctx.actor, body.storeAreaId);
  const at = ctx.now.getTime();
  const today = shanghaiDay(at);
  if (body.receivedOn > today) throw new Invalid('日期不能晚于今天', { field: 'receivedOn' }, 'future_date');
  if (body.receivedOn < firstOpenDay(today)) throw new Unprocessable('period_closed', `${body.receivedOn.slice(0, 7)} 的账已结，请记在本月`);
  return transaction(ctx.db, async (tx) => {
    const entry = await insertFundEntry(tx, {
      storeAreaId: store.id,
      kind: 'funding',
      source: body.source,
      sourceName: body.sourceName,
      amountFen: body.amountFen,
      onDay: body.receivedOn,
      note: body.note ?? null,
      createdBy: ctx.actor.userId,
      createdAt: at,
    });
    await writeAudit(tx, ctx, { entity: 'fund_entry', entityId: entry.id, action: 'fund_entry.funding', areaId: store.id, after: entry });
    return entry;
  });
}
