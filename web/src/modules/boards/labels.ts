import type { BoardKind } from './use-boards';

/** Board names; literal keys so the i18n check sees every one. */
export function kindLabel(t: (key: string) => string, kind: BoardKind | 'notices' | 'donations'): string {
  const labels: Record<BoardKind | 'notices' | 'donations', string> = {
    red: t('boards.kinds.red'),
    black: t('boards.kinds.black'),
    stars: t('boards.kinds.stars'),
    leaderboard: t('boards.kinds.leaderboard'),
    villages: t('boards.kinds.villages'),
    notices: t('boards.kinds.notices'),
    donations: t('boards.kinds.donations'),
  };
  return labels[kind];
}
