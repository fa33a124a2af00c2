// Where a request's time goes on the server, as distributions rather than means: per stage of the
// Server-Timing header, the median and the 99th percentile over the responses of one load level,
// which stage the slowest requests spent their extra time in (the owner of the tail), and which
// stage failed requests stopped in. Means hide the difference between "every request waits 40 ms"
// and "5 % of requests wait 800 ms"; these do not. Pure: the caller collects the timings.
import { latencySummary } from './latency.ts';

/**
 * What a stage is, whatever the server calls it: Triton's `compute_input` is preprocessing, its
 * `compute_infer` and a plain `inference` are the model, `queue`/`batch_wait` is waiting for a slot.
 * `network` is the client-observed time no server stage accounts for; `other` a stage we cannot place.
 */
export const STAGE_CLASSES = ['queue', 'preprocess', 'inference', 'postprocess', 'other', 'network'] as const;
export type StageClass = (typeof STAGE_CLASSES)[number];

/** Name of the pseudo-stage: client-observed time outside every server stage. */
export const NETWORK_STAGE = 'network+other';

export function stageClass(name: string): StageClass {
  const n = name.toLowerCase();
  if (name === NETWORK_STAGE) return 'network';
  if (/queue|wait|batch|pending|schedul/.test(n)) return 'queue';
  if (/infer|predict|forward|model|generat|gpu|session/.test(n)) return 'inference';
  if (/pre|decod|tokeniz|input|pars|featur|deserial|resiz|normaliz/.test(n)) return 'preprocess';
  if (/post|output|encod|serializ|detoken|format|respon|render/.test(n)) return 'postprocess';
  return 'other';
}

/** One stage's distribution over the timed responses of a level (a response without the stage counts 0 ms). */
export interface StageStats {
  name: string;
  class: StageClass;
  p50: number;
  p99: number;
  mean: number;
  /** Fraction (0–1) of the median response time: stage p50 / response p50. */
  share: number;
}

/** The slowest responses and where their extra time went. */
export interface TailAttribution {
  /** Responses in the tail (the slowest 5 %, at least one). */
  responses: number;
  /** Mean total of the tail responses, ms. */
  meanTotalMs: number;
  /** By stage name: mean time in the tail minus the stage's median, ms (can be negative). */
  excessMs: Record<string, number>;
  /** The stage with the largest excess. */
  owner: string;
  /** Its share (0–1) of the summed positive excess. */
  ownerShare: number;
}

export interface StageDistributions {
  /** Successful responses that carried Server-Timing. */
  responses: number;
  /** Median client-observed time of those responses, ms. */
  totalP50: number;
  /** Per stage name, in first-seen order, ending with `network+other`. */
  stages: StageStats[];
  /** Per stage class present (several names of one class summed per response). */
  classes: StageStats[];
  /** Undefined with fewer than MIN_TAIL_RESPONSES timed responses. */
  tail?: TailAttribution;
  /** Failed responses by the last stage their Server-Timing named. */
  failedIn: Record<string, number>;
}

/** Fewer timed responses than this and the tail is a handful of requests: no attribution. */
export const MIN_TAIL_RESPONSES = 20;
const TAIL_FRACTION = 0.05;

function distribution(names: string[], rows: Array<{ totalMs: number; stages: Map<string, number> }>, totalP50: number, classOf: (name: string) => StageClass): StageStats[] {
  return names.map((name) => {
    const l = latencySummary(rows.map((r) => r.stages.get(name) ?? 0));
    return { name, class: classOf(name), p50: l.p50, p99: l.p99, mean: l.mean, share: totalP50 > 0 ? l.p50 / totalP50 : 0 };
  });
}

/** Builds the distributions of one level from each successful response's total and stage durations (ms). */
export function stageDistributions(timings: ReadonlyArray<{ totalMs: number; stages: ReadonlyMap<string, number> }>, failedIn: Record<string, number> = {}): StageDistributions {
  const names: string[] = [];
  for (const t of timings) for (const n of t.stages.keys()) if (!names.includes(n)) names.push(n);
  // The network+other remainder per response, never negative (overlapping server metrics can exceed the total).
  const rows = timings.map((t) => {
    const server = [...t.stages.values()].reduce((s, x) => s + x, 0);
    const stages = new Map(t.stages);
    stages.set(NETWORK_STAGE, Math.max(0, t.totalMs - server));
    return { totalMs: t.totalMs, stages };
  });
  const allNames = [...names, NETWORK_STAGE];
  const totalP50 = latencySummary(rows.map((r) => r.totalMs)).p50;
  const stages = distribution(allNames, rows, timings.length > 0 ? totalP50 : 0, stageClass);

  const classNames = STAGE_CLASSES.filter((c) => allNames.some((n) => stageClass(n) === c));
  const classRows = rows.map((r) => {
    const byClass = new Map<string, number>();
    for (const [n, ms] of r.stages) byClass.set(stageClass(n), (byClass.get(stageClass(n)) ?? 0) + ms);
    return { totalMs: r.totalMs, stages: byClass };
  });
  const classes = distribution([...classNames], classRows, timings.length > 0 ? totalP50 : 0, (c) => c as StageClass);

  const out: StageDistributions = { responses: timings.length, totalP50: timings.length > 0 ? totalP50 : 0, stages, classes, failedIn: { ...failedIn } };
  if (rows.length >= MIN_TAIL_RESPONSES) {
    const sorted = [...rows].sort((a, b) => b.totalMs - a.totalMs);
    const tail = sorted.slice(0, Math.max(1, Math.round(rows.length * TAIL_FRACTION)));
    const excessMs: Record<string, number> = {};
    for (const s of stages) excessMs[s.name] = tail.reduce((sum, r) => sum + (r.stages.get(s.name) ?? 0), 0) / tail.length - s.p50;
    const ranked = Object.entries(excessMs).sort((a, b) => b[1] - a[1]);
    const positive = ranked.reduce((sum, [, x]) => sum + Math.max(0, x), 0);
    const [owner, ownerExcess] = ranked[0] ?? [NETWORK_STAGE, 0];
    out.tail = {
      responses: tail.length,
      meanTotalMs: tail.reduce((sum, r) => sum + r.totalMs, 0) / tail.length,
      excessMs,
      owner,
      ownerShare: positive > 0 ? Math.max(0, ownerExcess) / positive : 0,
    };
  }
  return out;
}
