// The Vant parts of the counter's cart and receipt, loaded after the first view (see CounterPage.vue), with only
// these components' stylesheets (ui/vant.ts, the household page's, takes more).
import 'vant/es/style/base.css';
import 'vant/es/button/index.css';
import 'vant/es/loading/index.css';
import 'vant/es/overlay/index.css';
import 'vant/es/popup/index.css';
import 'vant/es/dialog/index.css';
import 'vant/es/stepper/index.css';

export { Button as VanButton, Loading as VanLoading, Stepper as VanStepper, showConfirmDialog } from 'vant';
