// What the health diagnostic saw, as plain data: the answer (or the failure) of each HTTP GET
// and of each metrics scrape. jobs/health.ts does the I/O that produces these; the pure
// assessment (assess.ts) turns them into the report.
import type { Exposition } from '../prometheus/exposition.ts';

/** One HTTP GET: the answer, or why there was none. */
export type Fetched =
  | { kind: 'response'; status: number; ms: number; body: string; truncated: boolean }
  | { kind: 'unreachable'; ms: number; code: string; reason: string };

export interface Scrape {
  /** The metrics URL as shown to people (no credentials). */
  url: string;
  fetched: Fetched;
  exposition: Exposition | null;
  /** Why the scrape is unusable, when it is. */
  problem: string | null;
  /** performance.now() when the answer arrived, ms. */
  at: number;
}

/** What was asked for: the paths probed and the latency histogram wanted (the payload's fields). */
export interface HealthTarget {
  healthPath: string;
  metricsPath: string;
  /** The latency histogram named by the user; undefined: auto-detected. */
  latencyMetric?: string | undefined;
}

export interface HealthObservations {
  /** The service URL as shown to people (no credentials). */
  url: string;
  target: HealthTarget;
  health: Fetched;
  before: Scrape;
  /** The second scrape; null when the first was unusable. */
  after: Scrape | null;
}
