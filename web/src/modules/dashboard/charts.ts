// ECharts, one chart type at a time: only the dashboard chunk imports this file.
import { use, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import VChart from 'vue-echarts';

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { VChart };
export type { EChartsCoreOption as ChartOption } from 'echarts/core';

/** One dashboard card: a chart (none for a plain table) and the numbers behind it, exported by `chart`. */
export interface CardSpec {
  chart: string;
  title: string;
  option?: EChartsCoreOption | null;
  rows: Record<string, unknown>[];
  columns: { prop: string; label: string; align?: 'left' | 'right' }[];
}
