// Vant, one component at a time, for the phone faces (household page, counter): small and touch-first.
// Only the components' own stylesheets are imported, not their `style/index` bundles: those pull in the
// vant icon font (~25 KB gzip) which these pages never show, and the household page must stay small.
import 'vant/es/style/base.css';
import 'vant/es/badge/index.css';
import 'vant/es/button/index.css';
import 'vant/es/cell/index.css';
import 'vant/es/field/index.css';
import 'vant/es/loading/index.css';
import 'vant/es/overlay/index.css';
import 'vant/es/popup/index.css';
import 'vant/es/dialog/index.css';
import 'vant/es/action-bar/index.css';
import 'vant/es/action-bar-button/index.css';
import 'vant/es/toast/index.css';
import 'vant/es/stepper/index.css';
import 'vant/es/switch/index.css';
import 'vant/es/sticky/index.css';
import 'vant/es/swipe/index.css';
import 'vant/es/tab/index.css';
import 'vant/es/tabs/index.css';
import 'vant/es/pagination/index.css';

export {
  Button as VanButton,
  Field as VanField,
  Loading as VanLoading,
  Pagination as VanPagination,
  Stepper as VanStepper,
  Switch as VanSwitch,
  Tab as VanTab,
  Tabs as VanTabs,
  showConfirmDialog,
  showToast,
} from 'vant';
