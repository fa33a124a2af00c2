// What a diagnostic saw, as typed facts: the only thing a diagnostic hands to the reasoning.
// Diagnostics observe; the causes catalogue (causes/*.yaml) and the engine (engine.ts) decide
// what the observations mean, over every diagnostic of an investigation at once.

/** Values an observation can hold: a measurement, a yes/no, or a label (a shape, a category, a name). */
export type ObservationValue = number | boolean | string;

/** One observed fact, e.g. p99 latency 840 ms over 10 s behind 412 requests. Plain data (it travels through Redis). */
export interface Observation {
  /** Dotted name from the emitting diagnostic's `observes` table, e.g. `latency.p99`. */
  name: string;
  value: ObservationValue;
  /** Unit of `value`, fixed per name (see `ObservationSpec.unit`). */
  unit: string;
  /** What it is about when a diagnostic observes many of the same kind: a feature, a GPU, a route, a log signature. */
  subject?: string;
  /** The time window it covers, seconds. */
  windowSeconds?: number;
  /** How many requests, rows, lines or samples are behind it. */
  sampleSize?: number;
  /** The diagnostic that observed it. */
  source: string;
  /** The fact in words a person can check, e.g. `p99 840 ms over 10.0 s (412 requests)`. */
  text: string;
}

/** Declares one observation name a diagnostic may emit: its unit and what it means. */
export interface ObservationSpec {
  unit: string;
  description: string;
}

/** Name → spec: the vocabulary one diagnostic observes in (its `observes` field). */
export type ObservationVocabulary = Readonly<Record<string, ObservationSpec>>;

/**
 * Builds observations for one diagnostic, checking each name against its vocabulary so a typo
 * fails loudly in tests instead of silently never matching a cause.
 */
export function observer(source: string, vocabulary: ObservationVocabulary) {
  return (name: string, value: ObservationValue, text: string, extra: Pick<Observation, 'subject' | 'windowSeconds' | 'sampleSize'> = {}): Observation => {
    const spec = vocabulary[name];
    if (!spec) throw new Error(`${source} observed "${name}", which its vocabulary does not declare`);
    const o: Observation = { name, value, unit: spec.unit, source, text };
    if (extra.subject !== undefined) o.subject = extra.subject;
    if (extra.windowSeconds !== undefined && Number.isFinite(extra.windowSeconds)) o.windowSeconds = extra.windowSeconds;
    if (extra.sampleSize !== undefined && Number.isFinite(extra.sampleSize)) o.sampleSize = extra.sampleSize;
    return o;
  };
}
