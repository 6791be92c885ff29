// Vant, one component at a time, for the phone faces (household page, counter): small, touch-first.
import 'vant/es/button/style/index';
import 'vant/es/cell/style/index';
import 'vant/es/cell-group/style/index';
import 'vant/es/field/style/index';
import 'vant/es/nav-bar/style/index';
import 'vant/es/tab/style/index';
import 'vant/es/tabs/style/index';
import 'vant/es/tag/style/index';
import 'vant/es/stepper/style/index';
import 'vant/es/switch/style/index';
import 'vant/es/toast/style/index';
import 'vant/es/dialog/style/index';
import 'vant/es/loading/style/index';
import 'vant/es/empty/style/index';
import 'vant/es/pagination/style/index';
import 'vant/es/notice-bar/style/index';

export {
  Button as VanButton,
  Cell as VanCell,
  CellGroup as VanCellGroup,
  Empty as VanEmpty,
  Field as VanField,
  Loading as VanLoading,
  NavBar as VanNavBar,
  NoticeBar as VanNoticeBar,
  Pagination as VanPagination,
  Stepper as VanStepper,
  Switch as VanSwitch,
  Tab as VanTab,
  Tabs as VanTabs,
  Tag as VanTag,
  showConfirmDialog,
  showFailToast,
  showSuccessToast,
  showToast,
  Locale as VantLocale,
} from 'vant';
