import { describe, expect, it } from 'vitest';
import { chartSvg, renderChart, type ChartSpec } from '../../src/report/chart.ts';
import { countColour, countDarkRows, decodePng } from './decode-png.ts';

const BLUE = '#0072B2';
const ORANGE = '#E69F00';

/** The colour a 35 %-opaque fill shows on white. */
function onWhite(hex: string, alpha = 0.35): string {
  return `#${[1, 3, 5]
    .map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * alpha + 255 * (1 - alpha)).toString(16).padStart(2, '0'))
    .join('')}`;
}

function png(spec: ChartSpec) {
  const chart = renderChart('chart.png', spec);
  expect(chart.filename).toBe('chart.png');
  expect(chart.title).toBe(spec.title);
  return decodePng(Buffer.from(chart.pngBase64, 'base64'));
}

const edges = [0, 10, 20, 30, 40, 50];
const histogram: ChartSpec = {
  kind: 'histogram',
  title: 'age: reference vs current',
  xLabel: 'age',
  edges,
  series: [
    { name: 'reference', counts: [5, 20, 40, 20, 5] },
    { name: 'current', counts: [0, 5, 20, 40, 25] },
  ],
};

describe('renderChart', () => {
  it('draws overlaid histograms as an 800×450 PNG with both series visible', () => {
    const image = png(histogram);
    expect([image.width, image.height]).toEqual([800, 450]);
    expect(countColour(image, onWhite(BLUE), 6)).toBeGreaterThan(2000);
    expect(countColour(image, onWhite(ORANGE), 6)).toBeGreaterThan(2000);
  });

  it('draws grouped bars in one colour per series', () => {
    const image = png({
      kind: 'bars',
      title: 'GPU memory',
      yLabel: 'GiB',
      categories: ['gpu0', 'gpu1', 'gpu2'],
      series: [
        { name: 'used', values: [70, 12, 79] },
        { name: 'total', values: [80, 80, 80] },
      ],
    });
    expect([image.width, image.height]).toEqual([800, 450]);
    const used = countColour(image, BLUE);
    const total = countColour(image, ORANGE);
    expect(used).toBeGreaterThan(5000);
    // Three 80 GiB bars cover more pixels than 70 + 12 + 79 GiB ones of the same width.
    expect(total).toBeGreaterThan(used);
  });

  it('draws lines with markers, on a log x axis when asked', () => {
    const image = png({
      kind: 'line',
      title: 'Throughput vs concurrency',
      xLabel: 'concurrency',
      yLabel: 'req/s',
      logX: true,
      series: [{ name: 'throughput', points: [[1, 100], [2, 190], [4, 350], [8, 500], [16, 520]] }],
    });
    expect(countColour(image, BLUE)).toBeGreaterThan(300);
  });

  it.each<[string, ChartSpec]>([
    ['all-zero histogram', { kind: 'histogram', title: 'zeros', xLabel: 'x', edges: [0, 1, 2], series: [{ name: 'a', counts: [0, 0] }] }],
    ['one-bin histogram', { kind: 'histogram', title: 'one bin', xLabel: 'x', edges: [3, 3.5], series: [{ name: 'a', counts: [7] }] }],
    ['NaN everywhere', { kind: 'histogram', title: 'nan', xLabel: 'x', edges: [NaN, NaN], series: [{ name: 'a', counts: [NaN] }] }],
    ['decreasing edges', { kind: 'histogram', title: 'bad edges', xLabel: 'x', edges: [3, 2, 1], series: [{ name: 'a', counts: [1, 2] }] }],
    ['no series', { kind: 'histogram', title: 'none', xLabel: 'x', edges: [0, 1], series: [] }],
    ['empty bars', { kind: 'bars', title: 'no categories', categories: [], series: [{ name: 'a', values: [] }] }],
    ['infinite bars', { kind: 'bars', title: 'inf', categories: ['a', 'b'], series: [{ name: 'a', values: [Infinity, -Infinity] }] }],
    ['empty line', { kind: 'line', title: 'no points', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [] }] }],
    ['single point', { kind: 'line', title: 'one point', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[4, 4]] }] }],
    ['log x with x ≤ 0 only', { kind: 'line', title: 'log', xLabel: 'x', yLabel: 'y', logX: true, series: [{ name: 'a', points: [[0, 1], [-1, 2]] }] }],
  ])('renders %s as a valid PNG without throwing', (_, spec) => {
    const image = png(spec);
    expect([image.width, image.height]).toEqual([800, 450]);
    // The title is still drawn (this also fails on a machine without fonts, where resvg draws no text).
    expect(countDarkRows(image, 8, 34)).toBeGreaterThan(50);
  });

  it('shows "no data" instead of an empty plot', () => {
    expect(chartSvg({ kind: 'line', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[NaN, 1]] }] })).toContain('no data');
    expect(chartSvg(histogram)).not.toContain('no data');
  });
});

describe('chartSvg', () => {
  it('carries the title, axis labels and one legend entry per series', () => {
    const svg = chartSvg(histogram);
    expect(svg).toContain('age: reference vs current');
    expect(svg).toContain('>reference</text>');
    expect(svg).toContain('>current</text>');
    expect(svg).toContain('>age</text>');
  });

  it('escapes XML in every piece of text and drops control characters', () => {
    const svg = chartSvg({
      kind: 'bars',
      title: '<script>alert(1)</script> & co',
      xLabel: 'a"b',
      categories: ["it's <x>"],
      series: [{ name: 'p<q', values: [1] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(svg).toContain('it&apos;s &lt;x&gt;');
    expect(svg).toContain('p&lt;q');
    expect(() => renderChart('x.png', { kind: 'line', title: 'bell \u0007 here', xLabel: 'x', yLabel: 'y', series: [] })).not.toThrow();
  });

  it('keeps at most 30 bar categories, summing the rest into "other"', () => {
    const categories = Array.from({ length: 40 }, (_, i) => `cat${i}`);
    const svg = chartSvg({ kind: 'bars', title: 'ops', categories, series: [{ name: 'ms', values: categories.map(() => 1) }] });
    expect(svg).toContain('>cat28</text>');
    expect(svg).not.toContain('>cat29</text>');
    expect(svg).toContain('>other</text>');
    expect(svg.match(/<rect [^>]*fill="#0072B2"\/>/g)).toHaveLength(30);
  });

  it('shortens long category labels but keeps both ends', () => {
    const svg = chartSvg({ kind: 'bars', title: 'ops', categories: ['onnx::MatMul_very_long_node_17'], series: [{ name: 'ms', values: [3] }] });
    expect(svg).toMatch(/>onnx::Ma[^<]*…[^<]*_17<\/text>/);
  });

  it('puts nice tick values on the axes', () => {
    const svg = chartSvg({ kind: 'line', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[0, 0], [10, 873]] }] });
    for (const tick of ['200', '400', '600', '800', '1000']) expect(svg).toContain(`>${tick}</text>`);
    const log = chartSvg({ kind: 'line', title: 't', xLabel: 'x', yLabel: 'y', logX: true, series: [{ name: 'a', points: [[1, 1], [1000, 2]] }] });
    for (const tick of ['1', '10', '100', '1000']) expect(log).toContain(`>${tick}</text>`);
    // One unit per axis, and steps of 2.5 keep their decimal.
    const big = chartSvg({ kind: 'line', title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', points: [[0, 0], [12_000, 20_000]] }] });
    for (const tick of ['2.5k', '5k', '7.5k', '10k', '15k', '20k']) expect(big).toContain(`>${tick}</text>`);
    expect(big).not.toContain('>0k<');
  });
});
