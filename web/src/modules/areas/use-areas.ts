import { computed, ref } from 'vue';
import type { InferResponseType } from 'hono/client';
import { api, call } from '../../api/client';

export type Area = InferResponseType<typeof api.areas.$get, 200>['items'][number];

const areas = ref<Area[]>([]);
let loading: Promise<Area[]> | null = null;

/** The actor's areas, fetched once per page load and shared by every screen. */
export function useAreas() {
  function load(force = false): Promise<Area[]> {
    if (!loading || force) {
      loading = call(api.areas.$get())
        .then((res) => {
          areas.value = res.items;
          return res.items;
        })
        .catch((err: unknown) => {
          loading = null;
          throw err;
        });
    }
    return loading;
  }
  const villages = computed(() => areas.value.filter((a) => a.kind === 'village'));
  const groupsOf = (villageId: number | null | undefined) =>
    villageId ? areas.value.filter((a) => a.kind === 'group' && a.parentId === villageId) : [];
  const nameOf = (id: number | null | undefined) => areas.value.find((a) => a.id === id)?.name ?? '';
  return { areas, villages, groupsOf, nameOf, load };
}
