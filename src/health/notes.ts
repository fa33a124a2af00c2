// The pieces the assessment collects while it reads the probe and the scrapes: findings,
// evidence, tables, charts, operational fixes and the typed observations, plus the scrape window
// they are measured over.
import { observer, type Observation, type ObservationValue } from '../diagnosis/observation.ts';
import type { Chart, Evidence, MetricsTable, Severity } from '../report/model.ts';
import { HEALTH_VOCABULARY, type HealthObservationName } from './vocabulary.ts';

export interface HealthFinding {
  severity: Severity;
  message: string;
}

/** What the parts of the assessment add to the report. */
export class Notes {
  readonly findings: HealthFinding[] = [];
  readonly evidence: Evidence[] = [];
  readonly tables: MetricsTable[] = [];
  readonly charts: Chart[] = [];
  /** Operational advice not tied to a cause (export a histogram, pass --slo-p99). */
  readonly fixes: string[] = [];
  readonly observations: Observation[] = [];
  readonly #make = observer('health', HEALTH_VOCABULARY);

  /** Records one observation (the name must be in HEALTH_VOCABULARY). */
  observe(name: HealthObservationName, value: ObservationValue, text: string, extra: Pick<Observation, 'subject' | 'windowSeconds' | 'sampleSize'> = {}): void {
    this.observations.push(this.#make(name, value, text, extra));
  }

  find(severity: Severity, message: string): void {
    this.findings.push({ severity, message });
  }
}

/** The time the scrapes span, in words for the evidence. */
export interface ScrapeWindow {
  seconds: number;
  /** Usable scrapes in it. */
  scrapes: number;
  /** e.g. `the 3.0 s window (6 scrapes)`. */
  between: string;
}
