// `drift <reference> <current>`: did the model's inputs move? Reads a reference sample (training
// data or a known-good window) and recent production data (CSV, JSON Lines or Parquet, from a
// path or an http(s) URL), tests every common feature with the method drift tools choose for
// its kind and size, and observes which features drifted, how (mean shift, spread, shape, a unit
// or preprocessing transform, new or vanished values, missing values, an emptied column) and
// whether the dataset as a whole drifted. The causes catalogue (src/diagnosis/causes/data.yaml)
// turns those observations into ranked causes.
import { z } from 'zod';
import { parseTokens } from '../src/command/args.ts';
import { parserOptions, usageLine } from '../src/command/command-spec.ts';
import { driftCommand } from './commands.ts';
import { DEFAULT_MAX_BYTES, parseByteSize, readDataset } from '../src/data/source.ts';
import { defineDiagnostic } from '../src/core/diagnostic.ts';
import { UsageError } from '../src/core/errors.ts';
import { checkLocalPath } from '../src/policy/local-files.ts';
import { compareDatasets, CORRECTIONS, DEFAULT_DRIFT_SHARE } from '../src/drift/compare-datasets.ts';
import { driftChart } from '../src/drift/drift-charts.ts';
import { CHARTED_FEATURES, driftReport } from '../src/drift/drift-report.ts';
import { DRIFT_VOCABULARY } from '../src/drift/observations.ts';
import { DRIFT_TESTS } from '../src/drift/test-choice.ts';

const USAGE = usageLine(driftCommand);

const names = z.array(z.string().min(1)).min(1);
/** Largest `--max-size`, bytes: about what a worker's memory can hold as columns. */
const MAX_DRIFT_BYTES = 16e9;

export const driftPayloadSchema = z.strictObject({
  /** Reference data (training set or a known-good window): a path on the worker or an http(s) URL. CSV, TSV, JSON Lines, Parquet, optionally .gz. */
  reference: z.string().min(1),
  /** Current (production) data, same forms as `reference`. */
  current: z.string().min(1),
  /** Compare only these features. Default: every column both have. */
  features: names.optional(),
  /** Force one method on every feature it applies to. Default: automatic per feature. */
  test: z.enum(DRIFT_TESTS).optional(),
  /**
   * Multiple-testing correction across the p-value tests. Default `fdr` (Benjamini–Hochberg): with
   * ten features tested at p < 0.05 each, an unchanged dataset would otherwise show a drifted
   * feature in 40 % of runs. `none`: each test at its own threshold, as Evidently.
   */
  correction: z.enum([...CORRECTIONS, 'none']).default('fdr'),
  /** Share of drifted features at which the dataset drifted, (0, 1]. Default 0.5. */
  driftShare: z.number().gt(0).max(1).default(DEFAULT_DRIFT_SHARE),
  /** Columns treated as categorical whatever their values. */
  categorical: names.optional(),
  /** Columns treated as numeric even with few distinct values. */
  numeric: names.optional(),
  /** Largest file or download accepted, bytes (columns take about as much memory): at most MAX_DRIFT_BYTES. Default 2 GB. */
  maxBytes: z.number().int().positive().max(MAX_DRIFT_BYTES, `--max-size: at most ${MAX_DRIFT_BYTES / 1e9} GB (a worker holds the columns in memory)`).default(DEFAULT_MAX_BYTES),
  /** The model these inputs feed (a name, file or URL), named in the next steps. */
  model: z.string().min(1).optional(),
});
export type DriftPayload = z.infer<typeof driftPayloadSchema>;

export const driftDiagnostic = defineDiagnostic({
  name: 'drift',
  usage: USAGE,
  command: driftCommand,
  description: 'compare reference and current data feature by feature (KS, chi-square, Z, Wasserstein, Jensen–Shannon, PSI): what drifted and what to check first',
  payload: driftPayloadSchema,
  observes: DRIFT_VOCABULARY,
  timeoutMs: 15 * 60_000,
  targets: (payload) => [payload.reference, payload.current].filter((l) => /^[a-z][a-z0-9+.-]*:\/\//i.test(l)),
  parseArgs(tokens) {
    const parsed = parseTokens(
      tokens,
      parserOptions(driftCommand.flags),
      USAGE,
    );
    const values = parsed.values as Record<string, string | undefined>;
    const positionals = parsed.positionals;
    const flagged = values.reference !== undefined || values.current !== undefined;
    if (flagged ? positionals.length > 0 || values.reference === undefined || values.current === undefined : positionals.length !== 2) {
      throw new UsageError('give the reference and the current data, as two arguments or as --reference and --current', USAGE);
    }
    const oneOf = (flag: string, value: string | undefined, allowed: readonly string[]) => {
      if (value !== undefined && !allowed.includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`, USAGE);
      return value;
    };
    let driftShare: number | undefined;
    if (values['drift-share'] !== undefined) {
      driftShare = Number(values['drift-share']);
      if (!(driftShare > 0 && driftShare <= 1)) throw new UsageError(`--drift-share must be a share in (0, 1], got "${values['drift-share']}"`, USAGE);
    }
    let maxBytes: number | undefined;
    if (values['max-size'] !== undefined) {
      maxBytes = parseByteSize(values['max-size']);
      if (maxBytes === undefined || maxBytes < 1) throw new UsageError(`--max-size expects a size like 500MB or 4GB, got "${values['max-size']}"`, USAGE);
      maxBytes = Math.round(maxBytes);
    }
    const payload = {
      reference: values.reference ?? positionals[0],
      current: values.current ?? positionals[1],
      features: nameList(values.features),
      test: oneOf('test', values.test, DRIFT_TESTS),
      correction: oneOf('correction', values.correction, [...CORRECTIONS, 'none']),
      driftShare,
      categorical: nameList(values.categorical),
      numeric: nameList(values.numeric),
      maxBytes,
      model: values.model,
    };
    return Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  },
  async run(payload, deps) {
    const started = deps.now();
    const columns = payload.features ? new Set(payload.features) : undefined;
    const read = { columns, maxBytes: payload.maxBytes, fetch: deps.fetch };
    await deps.progress(2, 'reading reference and current data');
    const shares = [0, 0];
    let shown = 2;
    const onProgress = (side: 0 | 1) => (share: number) => {
      shares[side] = share;
      const pct = 2 + Math.floor(14 * (shares[0]! + shares[1]!));
      if (pct > shown) {
        shown = pct;
        void deps.progress(pct, `reading data: ${Math.round(50 * (shares[0]! + shares[1]!))}%`);
      }
    };
    for (const location of [payload.reference, payload.current]) {
      if (!/^https?:\/\//i.test(location)) await checkLocalPath(location, deps.localFileRoots);
    }
    // A read that fails stops the other, which may be a long download.
    const reads = new AbortController();
    const readSide = (location: string, side: 0 | 1) =>
      readDataset(location, { ...read, signal: AbortSignal.any([deps.signal, reads.signal]), onProgress: onProgress(side) }).catch((err: unknown) => {
        reads.abort(err);
        throw err;
      });
    const [reference, current] = await Promise.all([readSide(payload.reference, 0), readSide(payload.current, 1)]);
    await deps.progress(30, `read ${reference.rows.toLocaleString('en-US')} reference and ${current.rows.toLocaleString('en-US')} current rows`);
    const comparison = await compareDatasets(reference, current, {
      features: payload.features,
      test: payload.test,
      correction: payload.correction === 'none' ? undefined : payload.correction,
      driftShare: payload.driftShare,
      overrides: { categorical: payload.categorical, numeric: payload.numeric },
      signal: deps.signal,
      onFeature: (done, total, name) => deps.progress(30 + Math.round((60 * done) / total), `feature ${done}/${total}: ${name}`),
    });
    await deps.progress(92, 'drawing charts');
    const charts = comparison.features
      .filter((f) => f.drifted)
      .slice(0, CHARTED_FEATURES)
      .map((f) => driftChart(comparison.pairs.get(f.name)!));
    return {
      diagnostic: 'drift',
      title: `drift ${reference.source} → ${current.source}`,
      ...driftReport(comparison, reference, current, payload.model),
      charts,
      durationMs: deps.now() - started,
    };
  },
});

function nameList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length > 0 ? list : undefined;
}
