// The 报表 section's chart: per county, the mean and median rent as bars
// and the listings as a line on a second axis. Only the parts drawn are
// imported (ECharts' core, two chart types, the grid, legend and title,
// the canvas renderer), so the chunk stays small; no tooltip (it would
// write HTML with inline styles, which the site's CSP refuses).
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, CanvasRenderer])

export function drawStats(el, stats) {
  const chart = echarts.init(el, null, { renderer: 'canvas' })
  const places = stats.places
  chart.setOption({
    animation: false,
    title: { text: `${stats.district ? stats.district.name : '热门城市'} 各区县租金`, left: 'center', textStyle: { fontSize: 15 } },
    legend: { top: 28, data: ['平均租金', '租金中位数', '房源数'] },
    grid: { top: 70, left: 60, right: 60, bottom: 70 },
    xAxis: { type: 'category', data: places.map((p) => p.name), axisLabel: { interval: 0, rotate: places.length > 8 ? 30 : 0 } },
    yAxis: [
      { type: 'value', name: '元/月' },
      { type: 'value', name: '套', splitLine: { show: false } },
    ],
    series: [
      { name: '平均租金', type: 'bar', data: places.map((p) => p.mean), itemStyle: { color: '#c4302b' } },
      { name: '租金中位数', type: 'bar', data: places.map((p) => p.median), itemStyle: { color: '#e8a33d' } },
      { name: '房源数', type: 'line', yAxisIndex: 1, data: places.map((p) => p.listings), itemStyle: { color: '#2f6db5' } },
    ],
  })
  return chart
}
