import { computed, ref } from 'vue';
import type { InferRequestType, InferResponseType } from 'hono/client';
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

export type AreaKind = Area['kind'];
export type AreaSettings = InferResponseType<(typeof api.areas)[':id']['settings']['$get'], 200>;
export type AreaSettingsBody = InferRequestType<(typeof api.areas)[':id']['settings']['$patch']>['json'];
export type CreateAreaBody = InferRequestType<typeof api.areas.$post>['json'];

export function getAreaSettings(id: number) {
  return call(api.areas[':id'].settings.$get({ param: { id: String(id) } }));
}

export function updateAreaSettings(id: number, body: AreaSettingsBody) {
  return call(api.areas[':id'].settings.$patch({ param: { id: String(id) }, json: body }));
}

export function createArea(body: CreateAreaBody) {
  // A 村民小组 goes through the village's own route, open to its cadre as well as to administrators.
  if (body.kind === 'group') return call(api.areas[':id'].groups.$post({ param: { id: String(body.parentId) }, json: { name: body.name } }));
  return call(api.areas.$post({ json: body }));
}

export function renameGroup(id: number, name: string) {
  return call(api.groups[':id'].$patch({ param: { id: String(id) }, json: { name } }));
}

/** Depth below the county, for indenting the area list ("/1/4/9/" is depth 2). */
export function depthOf(path: string): number {
  return Math.max(0, path.split('/').filter(Boolean).length - 1);
}
