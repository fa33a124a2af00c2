// The baseline comparison's verdicts on reports whose numbers are known: latency up and
// throughput down beyond the tolerance are regressions, within it they are not; drift that
// appears is one, drift that went away is not; reports of other diagnostics are not compared.
import { describe, expect, it } from 'vitest';
import { compareWithBaseline, resultsOf } from '../../src/report/baseline-compare.ts';

const profile = (p50: number, p99: number, throughputPerSec: number) => ({ schemaVersion: 1, diagnostic: 'profile', latencyMs: { p50, p99 }, throughputPerSec });
const drift = (datasetDrift: boolean, features: Record<string, boolean>) => ({ schemaVersion: 1, diagnostic: 'drift', datasetDrift, features: Object.entries(features).map(([name, drifted]) => ({ name, drifted })) });

describe('compareWithBaseline', () => {
  it('holds latency and throughput to the tolerance', () => {
    const within = compareWithBaseline([profile(10.9, 21.8, 91)], [profile(10, 20, 100)], 10, 'b.json');
    expect(within.regressions).toBe(0);
    expect(within.comparisons.map((c) => c.changePercent)).toEqual([9, 9, -9]);
    const beyond = compareWithBaseline([profile(11.2, 20, 89)], [profile(10, 20, 100)], 10, 'b.json');
    expect(beyond.comparisons.filter((c) => c.regression).map((c) => c.measure)).toEqual(['latency p50', 'throughput']);
    expect(beyond.comparisons[0]!.text).toBe('latency p50 10 → 11.2 ms (+12.0 %, beyond 10 %)');
    expect(compareWithBaseline([profile(5, 10, 200)], [profile(10, 20, 100)], 0, 'b.json').regressions).toBe(0);
  });

  it('counts drift that appeared, not drift that went away', () => {
    const c = compareWithBaseline([drift(true, { age: true, income: false, city: true })], [drift(false, { age: false, income: true, city: true })], 10, 'b.json');
    expect(c.comparisons.map((m) => [m.measure, m.regression])).toEqual([
      ['dataset drift', true],
      ['feature age drifted', true],
      ['feature income drifted', false],
    ]);
    expect(c.regressions).toBe(2);
  });

  it('pairs the results of an investigation by diagnostic and refuses reports with none in common', () => {
    const report = { schemaVersion: 1, results: [profile(10, 20, 100), drift(false, {})] };
    const c = compareWithBaseline([drift(false, {}), profile(30, 20, 100)], resultsOf(report, 'r.json'), 10, 'r.json');
    expect(c.comparisons.filter((m) => m.regression).map((m) => `${m.diagnostic} ${m.measure}`)).toEqual(['profile latency p50']);
    expect(() => compareWithBaseline([profile(1, 2, 3)], [drift(false, {})], 10, 'd.json')).toThrow('d.json holds drift; this run is profile: nothing to compare');
    expect(() => resultsOf({ schemaVersion: 2, diagnostic: 'x' }, 'f.json')).toThrow(/schemaVersion 2; this infdbg reads 1/);
    expect(() => resultsOf([1], 'f.json')).toThrow(/not an infdbg JSON report/);
  });
});
