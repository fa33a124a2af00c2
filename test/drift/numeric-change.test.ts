import { describe, expect, it } from 'vitest';
import { describeNumericChange, summarise } from '../../src/drift/numeric-change.ts';
import { sortedCopy } from '../../src/stats/sort.ts';
import { normal } from './support.ts';

const sorted = (values: number[]) => sortedCopy(Float64Array.from(values));
const change = (reference: number[], current: number[]) => describeNumericChange(sorted(reference), sorted(current));
const n = 1000;

describe('summarise', () => {
  it('matches numpy (mean, std with ddof 0, median)', () => {
    // numpy 2: x.mean() 4.75, x.std() 2.649123844378957, np.median(x) 4.0
    const s = summarise(sorted([3.5, 1.25, 9.0, 4.0, 2.0, 7.5, 6.0]));
    expect(s.mean).toBeCloseTo(4.75, 14);
    expect(s.sd).toBeCloseTo(2.649123844378957, 14);
    expect(s).toMatchObject({ n: 7, median: 4, min: 1.25, max: 9 });
  });
});

describe('describeNumericChange', () => {
  it('a mean that moved is a location shift, measured in reference sd', () => {
    const c = change(normal(n, 50, 5, 1), normal(n, 57.5, 5, 2));
    expect(c.kind).toBe('location');
    expect(c.locationShift).toBeGreaterThan(1.3);
    expect(c.locationShift).toBeLessThan(1.7);
    expect(c.scaleRatio).toBeCloseTo(1, 1);
  });

  it('a wider spread around the same mean is a scale change, not a location shift', () => {
    const c = change(normal(n, 50, 5, 3), normal(n, 50, 11, 4));
    expect(c.kind).toBe('scale');
    expect(c.scaleRatio).toBeGreaterThan(2);
    expect(Math.abs(c.locationShift!)).toBeLessThan(0.2);
  });

  it('two modes with the same mean and sd are a shape change', () => {
    const modes = normal(n, 0, 0.3, 5).map((v, i) => v + (i % 2 ? 0.954 : -0.954));
    const c = change(normal(n, 0, 1, 6), modes);
    expect(c.kind).toBe('shape');
    expect(c.becameBimodal).toBe(true);
    expect(c.shapeDistance).toBeGreaterThan(0.15);
    expect(c.text).toContain('the current values look bimodal, the reference did not');
  });

  it('recognises unit conversions by their factor, in both directions', () => {
    const seconds = normal(n, 0.2, 0.05, 7);
    const ms = change(seconds, normal(n, 0.2, 0.05, 8).map((v) => v * 1000));
    expect(ms).toMatchObject({ kind: 'unit', transform: { family: 'unit', factor: 1000 } });
    expect(ms.transform!.name).toMatch(/^×1000 \(seconds → milliseconds/);
    const percent = change(normal(n, 40, 8, 9), normal(n, 40, 8, 10).map((v) => v / 100));
    expect(percent.transform).toMatchObject({ family: 'unit', factor: 0.01 });
    const celsius = normal(n, 20, 4, 11);
    const fahrenheit = change(celsius, normal(n, 20, 4, 12).map((v) => v * 1.8 + 32));
    expect(fahrenheit.transform?.name).toBe('×1.8 + 32 (°C → °F)');
  });

  it('every value times one factor that is no unit (a distance computed another way) is a rescale, not a location shift; a few percent is not', () => {
    // Road distances, then straight-line ones: about 0.76 × with a little noise per row.
    const road = normal(n, 12, 4, 31).map((v) => Math.abs(v) + 0.5);
    const straight = change(road, normal(n, 12, 4, 32).map((v, i) => (Math.abs(v) + 0.5) * 0.76 * (1 + 0.03 * Math.sin(i))));
    expect(straight).toMatchObject({ kind: 'rescaled', transform: { family: 'rescale' } });
    expect(straight.transform!.factor).toBeGreaterThan(0.72);
    expect(straight.transform!.factor).toBeLessThan(0.8);
    expect(straight.transform!.name).toMatch(/^×0\.7\d+ \(every value, by no familiar unit factor\)$/);
    // A unit factor keeps its name; 5 % more (inflation) stays a location change.
    expect(change(road, normal(n, 12, 4, 33).map((v) => (Math.abs(v) + 0.5) * 1000)).kind).toBe('unit');
    expect(change(road, normal(n, 12, 4, 34).map((v) => (Math.abs(v) + 0.5) * 1.05)).kind).not.toBe('rescaled');
  });

  it('recognises preprocessing applied on one side only', () => {
    const raw = normal(n, 40, 10, 13);
    const standardised = change(raw, normal(n, 40, 10, 14).map((v) => (v - 38) / 9.5));
    expect(standardised).toMatchObject({ kind: 'transform', transform: { family: 'preprocessing' } });
    expect(standardised.transform!.name).toMatch(/^standardised/);
    const prices = normal(n, 3.6, 0.5, 15).map(Math.exp);
    const logged = change(prices, normal(n, 3.6, 0.5, 16).map(Math.exp).map(Math.log));
    expect(logged.transform?.name).toBe('log-transformed (ln x) in the current data only');
  });

  it('a column stuck at one value is constant', () => {
    const c = change(normal(n, 180, 45, 17), Array.from({ length: n }, () => 0));
    expect(c).toMatchObject({ kind: 'constant', scaleRatio: 0 });
    expect(c.text).toMatch(/^every current value is 0 \(the reference varied: mean 1\d\d, sd 4\d/);
  });

  it('finds no transform between two samples of the same distribution, at any size', () => {
    for (const size of [60, 400, 5000]) {
      for (const seed of [21, 22, 23]) {
        const c = change(normal(size, 0.2, 0.05, seed), normal(size, 0.2, 0.05, seed + 100));
        expect(c.transform, `n=${size} seed=${seed}`).toBeUndefined();
        expect(Math.abs(c.locationShift!)).toBeLessThan(0.3);
      }
    }
  });

  it('does not call a zero-centred spread change a unit change', () => {
    const c = change(normal(n, 0, 1, 31), normal(n, 0, 10, 32));
    expect(c.kind).toBe('scale');
    expect(c.transform).toBeUndefined();
  });
});

describe('unit factors between whole numbers', () => {
  it('are whole factors only: counts that fell by half are no pounds turned into kilograms', () => {
    const counts = normal(n, 220, 60, 7).map((x) => Math.max(0, Math.round(x)));
    const halved = counts.map((c) => Math.round(c / 2.20462));
    expect(change(counts, halved).transform?.family).not.toBe('unit');
    const tenfold = counts.map((c) => c * 10);
    expect(change(counts, tenfold).transform).toMatchObject({ family: 'unit', factor: 10 });
  });
});
