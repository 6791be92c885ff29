import { ruleCategoryLabel } from '../../../lib/labels';
import type { Board } from '../computeBoard';
import { starsText, type Cell, type Poster } from './layout';

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Title, columns and rows of a board's poster; the rest (dates, QR, hash) is added by the caller. */
/** `name` turns a stored category code into the area's heading name. */
export function boardTable(board: Board, name: (code: string) => string = ruleCategoryLabel): Pick<Poster, 'title' | 'columns' | 'rows' | 'emptyText' | 'note' | 'tone'> {
  switch (board.kind) {
    case 'red':
      return {
        title: '红　榜',
        tone: 'red',
        columns: [
          { label: '名次', width: '14mm', align: 'center' },
          { label: '户主', width: '30mm' },
          { label: '获得积分', width: '24mm', align: 'right' },
          { label: `好人好事（${board.params.categories.map(name).join('、')}）` },
        ],
        rows: board.items.map((i): Cell[] => [i.rank, i.name, i.earned, i.deeds.join('、')]),
        emptyText: '本期暂无获得积分的农户',
        note: '按本期获得的积分排名，积分相同名次相同。姓名已隐去部分字，不公开电话与身份证号。',
      };
    case 'black':
      return {
        title: '黑　榜',
        tone: 'black',
        columns: [
          { label: '户主', width: '30mm' },
          { label: '行为' },
          { label: '发生日期', width: '28mm', align: 'center' },
          { label: '扣分', width: '16mm', align: 'right' },
          { label: '状态', width: '20mm', align: 'center' },
        ],
        rows: board.items.map((i): Cell[] => [i.name, i.conduct, i.occurredOn, i.points, i.rectification === 'pending' ? '整改中' : '']),
        emptyText: '本期无上榜行为',
        note: '经整改并审核通过后移出黑榜。只公示行为，不公开个人信息。',
      };
    case 'stars':
      return {
        title: '星级文明户',
        tone: 'gold',
        columns: [
          { label: '名次', width: '14mm', align: 'center' },
          { label: '户主', width: '28mm' },
          { label: '星级', width: '32mm' },
          { label: '年度积分', width: '22mm', align: 'right' },
          { label: '星项' },
        ],
        rows: board.items.map((i): Cell[] => [i.rank, i.name, starsText(i.stars), i.score, i.dimensions.join('、')]),
        emptyText: '暂无农户',
        note:
          board.params.method === 'score'
            ? `按年度表现积分评定：${board.thresholds.map((t, k) => `${k + 1}星 ≥ ${t} 分`).join('，')}。`
            : `按星项评定：每类积分达到 ${board.params.dimensionThreshold} 分得一星${board.params.method === 'both' ? '，并不超过按积分评定的星级' : ''}。`,
      };
    case 'leaderboard':
      return {
        title: board.params.category ? `${name(board.params.category)}排行榜` : '积分排行榜',
        tone: 'red',
        columns: [
          { label: '名次', width: '14mm', align: 'center' },
          { label: '户主', width: '34mm' },
          { label: '村', width: '40mm' },
          { label: '积分', align: 'right' },
        ],
        rows: board.items.map((i): Cell[] => [i.rank, i.name, i.village, i.points]),
        emptyText: '本期暂无积分',
        note: '按表现积分（获得减扣除，兑换不计）排名，积分相同名次相同。',
      };
    case 'villages':
      return {
        title: '各村积分评比',
        tone: 'red',
        columns: [
          { label: '名次', width: '14mm', align: 'center' },
          { label: '村', width: '32mm' },
          { label: '户数', align: 'right' },
          { label: '参与户', align: 'right' },
          { label: '参与率', align: 'right' },
          { label: '户均积分', align: 'right' },
          { label: '总积分', align: 'right' },
        ],
        rows: board.items.map((i): Cell[] => [i.rank, i.name, i.households, i.participants, percent(i.participationRate), i.pointsPerHousehold, `${i.totalPoints}（第${i.rankByTotal}）`]),
        emptyText: '暂无村',
        note: '按参与率（本期获得积分的农户占在册农户的比例）排名，其次户均积分；总积分仅供参考。',
      };
  }
}
