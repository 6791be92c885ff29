import { createApp } from 'vue';
import App from './App.vue';
import { remember, router } from './router';
import { i18n, initLocale } from './i18n';
import { initElderly } from './ui/elderly';
import { setUnauthorizedHandler } from './api/client';
import { session } from './modules/auth/use-session';
import './ui/base.css';

initElderly();
// A session that ends mid-work (expired, revoked by an admin) sends the user to log in again, then back.
setUnauthorizedHandler(() => {
  remember(false);
  if (!session.user) return;
  session.user = null;
  const here = router.currentRoute.value;
  if (!here.meta.public) void router.replace({ path: '/login', query: { next: here.fullPath } });
});
void initLocale().finally(() => {
  document.documentElement.lang = i18n.global.locale.value;
  createApp(App).use(i18n).use(router).mount('#app');
});
