import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/prometheus/exposition.ts';
import { histogramIncrease, histograms, observationCount, sumHistograms } from '../../src/prometheus/histograms.ts';

const exp = parseExposition(readFileSync(new URL('./fixtures/inference-service.prom', import.meta.url), 'utf8'));

describe('histograms', () => {
  it('groups _bucket/_sum/_count by label set, without le, buckets sorted', () => {
    const list = histograms(exp);
    expect(list.map((h) => `${h.name}${JSON.stringify(h.labels)}`)).toEqual([
      'http_request_duration_seconds{"handler":"/v1/predict"}',
      'http_request_duration_seconds{"handler":"/healthz"}',
    ]);
    const predict = list[0];
    expect(predict?.buckets.map((b) => b.le)).toEqual([0.05, 0.1, 0.2, 0.5, 1, Infinity]);
    expect(predict?.sum).toBe(53423);
    expect(predict?.count).toBe(144320);
  });

  it('does not take summaries (quantile label, no le) for histograms', () => {
    expect(histograms(exp).some((h) => h.name === 'go_gc_duration_seconds')).toBe(false);
  });

  it('recognises an untyped histogram by its le buckets', () => {
    const untyped = parseExposition('rpc_latency_seconds_bucket{le="1"} 3\nrpc_latency_seconds_bucket{le="+Inf"} 5\nrpc_latency_seconds_count 5\n');
    expect(histograms(untyped)).toEqual([
      { name: 'rpc_latency_seconds', labels: {}, buckets: [{ le: 1, count: 3 }, { le: Infinity, count: 5 }], count: 5 },
    ]);
  });

  it('sums label sets by le, like sum by (le)', () => {
    const total = sumHistograms(histograms(exp));
    expect(total?.buckets.find((b) => b.le === 0.05)?.count).toBe(24054 + 980);
    expect(total?.buckets.find((b) => b.le === Infinity)?.count).toBe(144320 + 982);
    expect(total?.count).toBe(144320 + 982);
    expect(total?.sum).toBeCloseTo(53423 + 4.21, 9);
    expect(sumHistograms([])).toBeNull();
  });

  it('takes the increase between two scrapes, and the later scrape as is after a restart', () => {
    const before = { name: 'h', labels: {}, buckets: [{ le: 1, count: 10 }, { le: Infinity, count: 12 }], sum: 5, count: 12 };
    const after = { name: 'h', labels: {}, buckets: [{ le: 1, count: 14 }, { le: Infinity, count: 20 }], sum: 9, count: 20 };
    const inc = histogramIncrease(before, after);
    expect(inc.buckets).toEqual([{ le: 1, count: 4 }, { le: Infinity, count: 8 }]);
    expect(inc.sum).toBe(4);
    expect(observationCount(inc)).toBe(8);
    const restarted = { ...after, buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 2 }], sum: 1, count: 2 };
    expect(histogramIncrease(before, restarted)).toEqual(restarted);
  });
});
