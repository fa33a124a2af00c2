import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { driftDiagnostic } from '../../jobs/drift.ts';
import { InputError, oneLine, UsageError } from '../../src/core/errors.ts';
import { parsePayload, runDiagnostic } from '../../src/core/run-diagnostic.ts';
import { startStack, type Stack } from '../support/stack.ts';

const REF = 'test/fixtures/drift/reference.csv';
const CUR = 'test/fixtures/drift/current.csv';
const deps = { fetch: globalThis.fetch, now: () => Date.now(), nodeName: 'test' };

const parse = (text: string) => parsePayload(driftDiagnostic, driftDiagnostic.parseArgs(text.split(/\s+/).filter(Boolean)));
const run = (text: string, progress?: (pct: number, msg?: string) => void) => runDiagnostic(driftDiagnostic, parse(text), { ...deps, progress });

interface FeatureJson {
  name: string;
  kind: string;
  test: string;
  statistic: number | null;
  pValue: number | null;
  threshold: number;
  drifted: boolean;
  referenceCount: number;
  currentCount: number;
  missing: { reference: number; current: number };
}

/** Width and height from a PNG's IHDR, after checking the signature and the final IEND chunk. */
function pngSize(base64: string): { width: number; height: number } {
  const png = Buffer.from(base64, 'base64');
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('drift arguments', () => {
  it('accepts the Slack form and the CLI form alike', () => {
    expect(parse(`${REF} ${CUR}`)).toEqual(parse(`--reference ${REF} --current ${CUR}`));
    expect(parse(`a.csv b.parquet --features x,y --test psi --correction bonferroni --drift-share 0.3 --categorical z --numeric w --max-size 4GB --model churn-v3`)).toEqual({
      reference: 'a.csv',
      current: 'b.parquet',
      features: ['x', 'y'],
      test: 'psi',
      correction: 'bonferroni',
      driftShare: 0.3,
      categorical: ['z'],
      numeric: ['w'],
      maxBytes: 4e9,
      model: 'churn-v3',
    });
    expect(parse('a.csv b.csv')).toMatchObject({ driftShare: 0.5, maxBytes: 2e9, correction: 'fdr' });
  });

  it('rejects what it cannot use with a usage error', () => {
    for (const [text, message] of [
      ['a.csv', 'give the reference and the current data, as two arguments or as --reference and --current'],
      ['--reference a.csv b.csv', 'give the reference and the current data, as two arguments or as --reference and --current'],
      ['a.csv b.csv --test anova', '--test must be one of ks, chi2, z, wasserstein, jensenshannon, psi, got "anova"'],
      ['a.csv b.csv --drift-share 1.5', '--drift-share must be a share in (0, 1], got "1.5"'],
      ['a.csv b.csv --max-size huge', '--max-size expects a size like 500MB or 4GB, got "huge"'],
      ['a.csv b.csv --bins 10', "Unknown option '--bins'"],
    ] as const) {
      const err = (() => {
        try {
          parse(text);
        } catch (e) {
          return e;
        }
      })();
      expect(err, text).toBeInstanceOf(UsageError);
      expect((err as Error).message, text).toBe(message);
    }
  });
});

describe('drift on the committed fixtures', () => {
  it('finds the drifted features, passes the stable ones, and reports what cannot be compared', async () => {
    const progress: string[] = [];
    const r = await run(`${REF} ${CUR}`, (pct, msg) => void progress.push(`${pct} ${msg}`));
    const data = r.data as { features: FeatureJson[]; driftedShare: number; datasetDrift: boolean; onlyInReference: string[]; onlyInCurrent: string[]; skipped: Array<{ name: string; reason: string }> };
    const byName = Object.fromEntries(data.features.map((f) => [f.name, f]));

    // the JSON contract of issue 3
    for (const f of data.features) {
      expect(Object.keys(f)).toEqual(expect.arrayContaining(['name', 'kind', 'test', 'statistic', 'pValue', 'threshold', 'drifted', 'referenceCount', 'currentCount', 'missing']));
    }
    expect(data).toMatchObject({ driftedShare: 0.4, datasetDrift: false, onlyInReference: ['legacy_score'], onlyInCurrent: ['device'] });

    // Benjamini–Hochberg by default: 2 discoveries of 5 tests → p must be below 0.05 · 2/5
    expect(byName.age).toMatchObject({ kind: 'numeric', test: 'ks', drifted: true, threshold: 0.02, referenceCount: 300, currentCount: 300 });
    expect(byName.age!.pValue).toBeLessThan(1e-10);
    // 2×K homogeneity test (scipy chi2_contingency on these counts: p = 0.0011582441913190918), not goodness of fit's p = 0
    expect(byName.city).toMatchObject({ kind: 'categorical', test: 'chi2', drifted: true, unseenCategories: ['madrid'] });
    expect(byName.city!.pValue).toBeCloseTo(0.0011582441913190918, 12);
    expect(byName.income).toMatchObject({ kind: 'numeric', test: 'ks', drifted: false, missing: { reference: 6 } });
    expect(byName.income!.missing.current).toBeGreaterThan(60);
    expect(byName.plan).toMatchObject({ kind: 'categorical', test: 'z', drifted: false });
    expect(byName.rating).toMatchObject({ kind: 'categorical', test: 'chi2', drifted: false });
    expect(data.skipped).toEqual([expect.objectContaining({ name: 'referrer', reason: `no values in ${CUR} (all 300 rows missing)` })]);
    expect(data.features.map((f) => f.name).slice(0, 2).sort()).toEqual(['age', 'city']);

    expect(r.severity).toBe('critical');
    // what changed, per feature, in the summary; the emptied column ranks first, each other finding has its own cause
    expect(r.summary).toMatch(/^Most likely: Feature pipeline broken: referrer no longer produced \(all missing or constant\) \(high; referrer: all 300 current rows missing/);
    expect(r.summary).toContain('2 of 5 features drifted: age (mean +1.11 sd), city (new value "madrid"); no dataset drift (40% < 50%). referrer has no values in the current data. Missing values rose in income (2.0% → 33%).');
    const top = Object.fromEntries(r.hypotheses.map((h) => [h.cause, h]));
    expect(r.hypotheses[0]!.cause).toBe('feature-pipeline-broken');
    expect(top['missing-values-rising']).toMatchObject({ likelihood: 'high', title: 'Missing values rising in income: an upstream join or source is dropping values' });
    expect(top['unseen-category']).toMatchObject({ likelihood: 'high', title: 'New category in city the model has not seen (a new product, locale or source upstream)' });
    expect(top['unseen-category']!.evidence[0]).toBe('city: 1 value never seen in the reference: "madrid" [drift]');
    expect(top['feature-location-shift']!.title).toMatch(/^Values of age shifted/);
    expect(top['feature-column-removed']!.title).toBe('Column legacy_score missing from the current data (removed or renamed upstream)');
    // the generic explanation is listed below every specific one
    const at = r.hypotheses.findIndex((h) => h.cause === 'feature-pipeline-change');
    const generic = at < 0 ? r.hypotheses.length : at; // not listed at all is below every listed one
    for (const id of ['feature-pipeline-broken', 'missing-values-rising', 'unseen-category', 'feature-location-shift']) {
      expect(r.hypotheses.findIndex((h) => h.cause === id), id).toBeLessThan(generic);
    }
    expect(r.observations.filter((o) => o.name === 'drift.feature_drifted').map((o) => [o.subject, o.value])).toEqual([
      ['age', 'location'],
      ['city', 'new-categories'],
      ['referrer', 'all-missing'],
    ]);
    expect(r.tables[0]!.rows.map((row) => row[0])).toEqual(data.features.map((f) => f.name));
    expect(progress).toEqual(expect.arrayContaining(['16 reading data: 50%', '30 reading data: 100%', '30 read 300 reference and 300 current rows']));
    expect(progress.at(-1)).toBe('92 drawing charts');
    expect(progress).toContain('90 feature 5/5: rating');

    expect(r.charts.map((c) => c.filename)).toEqual(['drift-age.png', 'drift-city.png']);
    for (const c of r.charts) expect(pngSize(c.pngBase64).width).toBeGreaterThan(100);
  });

  it('reads Parquet and honours --features and a forced test', async () => {
    const r = await run('test/fixtures/drift/reference.parquet test/fixtures/drift/current.parquet --features age,city,clicks --test psi');
    const features = (r.data as { features: FeatureJson[] }).features;
    expect(features.map((f) => [f.name, f.test, f.drifted, f.pValue]).sort()).toEqual([
      ['age', 'psi', true, null],
      ['city', 'psi', false, null],
      ['clicks', 'psi', false, null],
    ]);
  });

  it('fails with one line naming a file that does not exist', async () => {
    const err = await run(`${REF} data/nowhere.csv`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(oneLine(err)).toBe('data/nowhere.csv: no such file');
  });

  it('stops downloading the other dataset when one cannot be read', async () => {
    let downloadClosed!: () => void;
    const closed = new Promise<void>((resolve) => (downloadClosed = resolve));
    const server = createServer((req, res) => {
      if (req.url === '/current.csv') {
        res.writeHead(200).write('x\n1\n'); // never ends
        res.on('close', downloadClosed);
      } else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = await run(`${base}/reference.csv ${base}/current.csv`).catch((e: unknown) => e);
      expect(oneLine(err)).toBe(`${base}/reference.csv: HTTP 404 Not Found`);
      await closed; // without the stop, the download runs on until its 5-minute deadline
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('/debug drift through Bolt, BullMQ and a worker', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('posts the drift report in the thread with the charts uploaded there', async () => {
    stack = await startStack({ diagnostics: [driftDiagnostic] });
    const res = await stack.sendCommand(`drift ${REF} ${CUR}`);
    expect(res.status).toBe(200);
    const { threadTs, transcript } = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(transcript).toContain('2 of 5 features drifted: age (mean +1.11 sd), city (new value "madrid")');
    expect(transcript).toContain('Feature pipeline broken: referrer no longer produced');
    const uploads = await stack.slack.waitFor(() => {
      const files = stack!.slack.uploads.filter((u) => u.threadTs === threadTs);
      return files.length >= 2 && files;
    });
    expect(uploads.map((u) => u.filename).sort()).toEqual(['drift-age.png', 'drift-city.png']);
    expect(pngSize(uploads[0]!.bytes.toString('base64')).height).toBeGreaterThan(100);
  });

  it('says in the thread why a drift job could not run', async () => {
    stack = await startStack({ diagnostics: [driftDiagnostic] });
    const missing = join(tmpdir(), 'infdbg-no-such-current.csv'); // under the stack's allowed roots
    await stack.sendCommand(`drift ${REF} ${missing}`);
    const { transcript } = await stack.waitForReport('C0INCIDENT', 30_000);
    expect(transcript).toContain(`${missing}: no such file`);
  });
});
