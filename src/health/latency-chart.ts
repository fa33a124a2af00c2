// The latency distribution behind the percentiles: requests per histogram bucket as bars, so a
// reader sees the shape that p50/p95/p99 summarise (one hump, a long tail, a second mode from
// spikes) and in which bar p50 and p99 fall.
import type { Bucket } from '../prometheus/histograms.ts';
import { renderChart, type BarsSpec } from '../report/chart.ts';
import type { Chart } from '../report/model.ts';
import { fmtMs } from './format.ts';

export interface LatencyDistribution {
  /** The histogram family, e.g. `model_request_duration_seconds`. */
  metric: string;
  /** Whether the buckets count the requests between the scrapes or everything since start. */
  basis: 'interval' | 'since-start';
  /** Cumulative buckets sorted by `le`, in the histogram's unit. */
  buckets: Bucket[];
  /** Factor from the histogram's unit to milliseconds. */
  toMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** The bars: one per bucket, its own requests (the cumulative counts de-cumulated), labelled by upper bound. */
export function latencyChartSpec(d: LatencyDistribution): BarsSpec {
  const labels = d.buckets.map((b) => bucketLabel(b.le * d.toMs));
  const total = d.buckets.at(-1)?.count ?? 0;
  // The bar holding the q-quantile's request; beyond the finite buckets that is +Inf, even though
  // histogram_quantile then answers the highest finite bound.
  const barOf = (q: number) => labels[d.buckets.findIndex((b) => b.count >= q * total)] ?? '';
  return {
    kind: 'bars',
    title: `${d.metric}, ${d.basis === 'interval' ? 'last interval' : 'since start'}`,
    xLabel: `latency bucket — p50 ${fmtMs(d.p50Ms)} (bar ${barOf(0.5)}), p99 ${fmtMs(d.p99Ms)} (bar ${barOf(0.99)})`,
    yLabel: 'requests',
    categories: labels,
    series: [{ name: 'requests', values: d.buckets.map((b, i) => b.count - (d.buckets[i - 1]?.count ?? 0)) }],
  };
}

/** `health-latency.png`: the distribution as a PNG bar chart. */
export function latencyChart(d: LatencyDistribution): Chart {
  return renderChart('health-latency.png', latencyChartSpec(d));
}

/** `≤5 ms`, `≤0.5 ms`, `≤2.5 s`, `+Inf`. */
function bucketLabel(ms: number): string {
  if (ms === Infinity) return '+Inf';
  return ms >= 1000 ? `≤${Number((ms / 1000).toPrecision(3))} s` : `≤${Number(ms.toPrecision(3))} ms`;
}
