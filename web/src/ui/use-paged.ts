import { ref, shallowRef, type Ref } from 'vue';

export interface Paged<T> {
  items: T[];
  total: number;
}

/** A paginated list with a loading flag and a shown error; `reload()` keeps the page, `search()` goes back to page 1. */
export function usePaged<T>(fetchPage: (limit: number, offset: number) => Promise<Paged<T>>, pageSize = 20) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const size = ref(pageSize);
  const loading = ref(false);
  const error = ref<unknown>(null);
  let seq = 0;

  async function reload() {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const res = await fetchPage(size.value, (page.value - 1) * size.value);
      // A slower, older request must not overwrite a newer answer.
      if (mine !== seq) return;
      items.value = res.items;
      total.value = res.total;
    } catch (err) {
      if (mine === seq) error.value = err;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  function search() {
    page.value = 1;
    return reload();
  }

  function goTo(p: number) {
    page.value = p;
    return reload();
  }

  return { items, total, page, size, loading, error, reload, search, goTo };
}
