import { describe, expect, it } from 'vitest';
import { renderReportJson, renderResultJson, RESERVED_RESULT_KEYS } from '../../src/report/render-json.ts';
import { healthResult, report } from './sample-report.ts';

describe('renderResultJson', () => {
  it("spreads the diagnostic's data at the top level beside the report sections", () => {
    const json = renderResultJson(healthResult({ data: { features: [{ name: 'age', psi: 0.31 }], driftedShare: 0.5, datasetDrift: true } }));
    expect(json.features).toEqual([{ name: 'age', psi: 0.31 }]);
    expect(json.driftedShare).toBe(0.5);
    expect(json.datasetDrift).toBe(true);
    expect(json.severity).toBe('warning');
    expect(json.hypotheses[0]?.title).toBe('GC pauses');
    expect('data' in json).toBe(false);
  });

  it('keeps report keys when data uses the same names', () => {
    const collide = Object.fromEntries(RESERVED_RESULT_KEYS.map((k) => [k, 'from data']));
    const json = renderResultJson(healthResult({ data: { ...collide, gpus: [] } }));
    expect(json.title).toBe('health http://model:8080');
    expect(json.summary).toContain('p99 is 12×');
    expect(json.durationMs).toBe(1234);
    expect(json.charts).toEqual(['latency.png']);
    for (const key of RESERVED_RESULT_KEYS) expect(json[key]).not.toBe('from data');
    expect(json.gpus).toEqual([]);
  });

  it('lists chart file names instead of PNG bytes and survives JSON', () => {
    const result = healthResult({ charts: [{ filename: 'a.png', title: 'A', pngBase64: 'iVBORw0KGgo=' }] });
    const text = JSON.stringify(renderResultJson(result));
    expect(text).not.toContain('iVBORw0KGgo');
    expect(JSON.parse(text).charts).toEqual(['a.png']);
  });
});

describe('renderReportJson', () => {
  it('carries the report header, each result in result form, and failures', () => {
    const json = renderReportJson(report());
    expect(json).toMatchObject({ title: 'health http://model:8080', incidentKey: 'health:model:8080', severity: 'warning' });
    expect(json.results[0]?.p99Ms).toBe(840);
    expect(json.failures[0]?.error).toContain('nvidia-smi');
  });
});
