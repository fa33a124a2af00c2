// What the health diagnostic fetched, as plain data: the answer (or the failure) of each HTTP
// GET, the metrics scrapes spread across the interval, the optional probe requests and the stored
// baseline. jobs/health.ts does the I/O that produces these; the pure assessment (assess.ts)
// turns them into observations and the report.
import type { Exposition } from '../prometheus/exposition.ts';

/** One HTTP GET: the answer, or why there was none. */
export type Fetched =
  | { kind: 'response'; status: number; ms: number; body: string; truncated: boolean }
  | {
      kind: 'unreachable';
      ms: number;
      code: string;
      reason: string;
      /** After a timeout: whether a plain TCP connection to the same host and port was accepted (the process is there but does not answer) or not. */
      tcp?: TcpConnect;
    };

/** A bare TCP connect to the host and port: accepted, refused, no answer in time, or another error. */
export type TcpConnect = 'accepted' | 'refused' | 'timeout' | 'error';

export interface Scrape {
  /** The metrics URL as shown to people (no credentials). */
  url: string;
  fetched: Fetched;
  exposition: Exposition | null;
  /** Why the scrape is unusable, when it is. */
  problem: string | null;
  /** performance.now() when the answer arrived, ms. */
  at: number;
  /** Wall clock when the answer arrived, ms since the epoch (for `process_start_time_seconds`). */
  wallMs: number;
}

/** What was asked for: the paths probed, the latency histogram wanted, the SLO (the payload's fields). */
export interface HealthTarget {
  healthPath: string;
  metricsPath: string;
  /** The latency histogram named by the user; undefined: auto-detected. */
  latencyMetric?: string | undefined;
  /** p99 latency objective, ms; undefined: none given. */
  sloP99Ms?: number | undefined;
  /** Path the probe requests are POSTed to. */
  probePath?: string | undefined;
}

/** The last healthy run's latency for the same target (kept in `deps.baselines`). */
export interface Baseline {
  /** When it was measured, ms since the epoch. */
  atMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Requests behind the percentiles. */
  requests: number;
}

/** One probe request sent with `--probe-body`. */
export type ProbeRequest =
  | { kind: 'response'; status: number; ms: number; serverTiming: Array<{ name: string; durMs: number }> }
  | { kind: 'unreachable'; ms: number; code: string; reason: string };

export interface HealthInput {
  /** The service URL as shown to people (no credentials). */
  url: string;
  target: HealthTarget;
  health: Fetched;
  /** The health endpoint asked again after the last scrape: a check that flips during the run counts. */
  healthAtEnd?: Fetched;
  /** The scrapes in order (the first one even when unusable); one when the first was unusable. */
  scrapes: Scrape[];
  /** The previous healthy run, or null (none stored, or no store). */
  baseline: Baseline | null;
  /** Why the baseline store could not be read, when it could not. */
  baselineProblem?: string | null;
  /** The probe requests, when `--probe-body` was given. */
  probes?: ProbeRequest[];
  /** Wall clock at the end of the run, ms since the epoch. */
  nowMs: number;
}
