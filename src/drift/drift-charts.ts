// Charts for the most drifted features: reference and current shares on the same bins (numeric)
// or the same categories, so the shapes can be compared even when the row counts differ.
import { binCategorical, binNumeric } from '../stats/binning.ts';
import { renderChart, type ChartSpec } from '../report/chart.ts';
import type { Chart } from '../report/model.ts';
import type { FeaturePair } from './feature-pairs.ts';

/** Drift chart for one feature: a histogram overlay (numeric, Sturges bins) or grouped bars. */
export function driftChartSpec(pair: FeaturePair): ChartSpec {
  const { sample } = pair;
  const binned = sample.kind === 'numeric' ? binNumeric(sample.reference, sample.current) : binCategorical(sample.reference, sample.current);
  const title = `${pair.name}: reference vs current`;
  const reference = [...binned.referenceShares];
  const current = [...binned.currentShares];
  if (binned.edges) {
    return { kind: 'histogram', title, xLabel: pair.name, yLabel: 'share of rows', edges: binned.edges, series: [{ name: 'reference', counts: reference }, { name: 'current', counts: current }] };
  }
  return { kind: 'bars', title, xLabel: pair.name, yLabel: 'share of rows', categories: binned.labels, series: [{ name: 'reference', values: reference }, { name: 'current', values: current }] };
}

export function driftChart(pair: FeaturePair): Chart {
  return renderChart(`drift-${pair.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}.png`, driftChartSpec(pair));
}
