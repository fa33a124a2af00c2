// The one ranking engine: scores every cause of the catalogue against the observations of an
// investigation (one diagnostic or many), lists the causes something measured points at, demotes
// those the evidence contradicts and says why, and derives the likelihood from the score. What a
// person reported and symptoms many causes share only add weight. Pure and deterministic: the
// same observations always give the same ranking.
import type { Hypothesis, Likelihood } from '../report/model.ts';
import { ANSWERS, CATEGORIES, LAYERS, type Category, type Cause, type Clue, type Condition } from './causes.ts';
import type { Observation } from './observation.ts';

/** Net score (for − against) at or above which a cause is `high`; `medium` from MEDIUM_SCORE. At or below 0 it is `unlikely`. */
const HIGH_SCORE = 4;
const MEDIUM_SCORE = 2;
/** The weight of a clue that points at a cause (the catalogue's scale: 1 = a shared symptom, 2 = points at it, 4 = specific). */
const POINTS_AT = 2;
/** Observations of what was reported (symptom words), not measured. */
const REPORTED = 'symptom.';
/** Observations quoted per clue; the rest are counted. */
const MAX_QUOTED = 3;

/**
 * When a person or an alert said what is wrong (symptom.category), the plausible causes (medium or
 * more) that answer it come first, in score order; the others follow, still in score order. A
 * strong but unrelated finding (a drifted feature when 5xx were reported) stays in the list, below.
 */
function answerFirst(scored: Scored[], byName: ReadonlyMap<string, Observation[]>): Scored[] {
  const reported = new Set((byName.get(`${REPORTED}category`) ?? []).map((o) => String(o.value)).filter((v): v is Category => (CATEGORIES as readonly string[]).includes(v)));
  if (reported.size === 0) return scored;
  const answers = new Set([...reported].flatMap((c) => ANSWERS[c]));
  const answering = (cause: Cause) => answers.has(cause.category) || (cause.answers ?? []).some((c) => reported.has(c));
  const first = scored.filter((s) => s.score >= MEDIUM_SCORE && answering(s.cause));
  return [...first, ...scored.filter((s) => !first.includes(s))];
}

export function likelihoodOf(score: number): Likelihood {
  if (score <= 0) return 'unlikely';
  if (score >= HIGH_SCORE) return 'high';
  if (score >= MEDIUM_SCORE) return 'medium';
  return 'low';
}

/** Does one observation satisfy a condition? */
function holds(clue: Condition, o: Observation): boolean {
  if (o.name !== clue.obs) return false;
  if (clue.subject !== undefined && o.subject !== clue.subject) return false;
  if (clue.minSample !== undefined && (o.sampleSize === undefined || o.sampleSize < clue.minSample)) return false;
  if (clue.is !== undefined && o.value !== clue.is) return false;
  if (clue.in !== undefined && !clue.in.includes(o.value)) return false;
  const numeric = clue.above !== undefined || clue.atLeast !== undefined || clue.below !== undefined || clue.atMost !== undefined;
  if (numeric) {
    if (typeof o.value !== 'number' || !Number.isFinite(o.value)) return false;
    if (clue.above !== undefined && !(o.value > clue.above)) return false;
    if (clue.atLeast !== undefined && !(o.value >= clue.atLeast)) return false;
    if (clue.below !== undefined && !(o.value < clue.below)) return false;
    if (clue.atMost !== undefined && !(o.value <= clue.atMost)) return false;
  }
  return true;
}

interface Matched {
  clue: Clue;
  observations: Observation[];
  /** The observations that satisfied the clue's `and` conditions. */
  also: Observation[];
}

/** `subjects`: those of the supporting evidence, for `sameSubject` clues (an observation without a subject is about the whole target and always counts). */
function match(clues: readonly Clue[], byName: ReadonlyMap<string, Observation[]>, subjects?: ReadonlySet<string>): Matched[] {
  const out: Matched[] = [];
  for (const clue of clues) {
    const ofSubject = (o: Observation) => !clue.sameSubject || !subjects || o.subject === undefined || subjects.has(o.subject);
    const hits = (byName.get(clue.obs) ?? []).filter((o) => holds(clue, o) && ofSubject(o));
    if (hits.length === 0) continue;
    // `and`: every further condition must hold on some observation too (of the same subject, for a
    // `sameSubject` clue); their observations are quoted beside.
    const also = (clue.and ?? []).map((c) => (byName.get(c.obs) ?? []).filter((o) => holds(c, o) && ofSubject(o)));
    if (also.some((a) => a.length === 0)) continue;
    out.push({ clue, observations: hits, also: also.map((a) => a[0]!) });
  }
  return out;
}

function says(m: Matched): string {
  const template = m.clue.says ?? '{text}';
  const shown = m.observations.slice(0, MAX_QUOTED).map((o) =>
    template === '{text}' ? o.text : template.replace(/\{(text|value|unit|subject)\}/g, (_, key: 'text' | 'value' | 'unit' | 'subject') => String(key === 'subject' ? (o.subject ?? '') : o[key])),
  );
  const unique = [...new Set(shown)];
  const more = m.observations.length - MAX_QUOTED;
  const withAlso = m.also.length > 0 ? `, with ${m.also.map((o) => o.text).join(' and ')}` : '';
  return `${unique.join('; ')}${more > 0 ? ` (+${more} more)` : ''}${withAlso} [${[...new Set([...m.observations, ...m.also].map((o) => o.source))].join(', ')}]`;
}

/**
 * Fills `{target.url}`-style placeholders with the value of the first observation of that name,
 * and `{subject}` with the subjects behind the supporting evidence; an unknown one becomes
 * `<url>` so the command still reads as a template to complete.
 */
function fill(text: string, byName: ReadonlyMap<string, Observation[]>, subjects: string[]): string {
  if (!text.includes('{')) return text;
  return text.replace(/\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}/g, (_, name: string) => {
    if (name === 'subject') return subjects.length > 0 ? subjects.slice(0, MAX_QUOTED).join(', ') : '<subject>';
    const o = byName.get(name)?.[0];
    return o ? String(o.value) : `<${name.split('.').pop()}>`;
  });
}

/** The subjects (GPU, feature, route…) the matched observations are about. */
function subjectsOf(matched: readonly Matched[]): Set<string> {
  return new Set(matched.flatMap((m) => m.observations.map((o) => o.subject).filter((x): x is string => x !== undefined)));
}

interface Scored {
  cause: Cause;
  index: number;
  support: Matched[];
  against: Matched[];
  score: number;
  strongest: number;
}

/**
 * Ranks the catalogue's causes for these observations: most likely first. A cause is listed when
 * a supporting clue that points at it (weight ≥ POINTS_AT) holds on a measured observation;
 * each clue counts once, however many observations satisfy it. Ties go to the more specific evidence, then to the earlier layer (infrastructure
 * before data, monitoring and the model), then to catalogue order.
 */
export function rankCauses(observations: readonly Observation[], causes: readonly Cause[]): Hypothesis[] {
  const byName = new Map<string, Observation[]>();
  for (const o of observations) {
    const list = byName.get(o.name);
    if (list) list.push(o);
    else byName.set(o.name, [o]);
  }
  const scored: Scored[] = [];
  causes.forEach((cause, index) => {
    // Supporting clues not tied to a subject first: they say which subjects the cause is about.
    const loose = match(cause.supports.filter((c) => !c.sameSubject), byName);
    const about = subjectsOf(loose);
    const tied = match(cause.supports.filter((c) => c.sameSubject), byName, about.size > 0 ? about : undefined);
    const support = cause.supports.map((c) => [...loose, ...tied].find((m) => m.clue === c)).filter((m): m is Matched => m !== undefined);
    // What a person or an alert says is wrong is not evidence: it lists nothing on its own, and it
    // adds to a cause only once the measured evidence already makes it plausible (medium or more).
    const reported = (m: Matched) => m.observations.every((o) => o.name.startsWith(REPORTED));
    const measured = support.filter((m) => !reported(m));
    if (measured.length === 0) return;
    const sum = (ms: Matched[]) => ms.reduce((s, m) => s + m.clue.weight, 0);
    const against = match(cause.contradicts, byName, subjectsOf(support));
    // A symptom many causes share (weight below POINTS_AT) adds to a cause something points at. On
    // its own it lists a cause only to rule it out: the usual suspect, shown unlikely with why.
    const pointed = measured.some((m) => m.clue.weight >= POINTS_AT);
    if (!pointed && against.length === 0) return;
    const base = pointed ? sum(measured) - sum(against) : Math.min(0, sum(measured) - sum(against));
    const counted = base >= MEDIUM_SCORE ? support : measured;
    const score = base + (base >= MEDIUM_SCORE ? sum(support) - sum(measured) : 0);
    scored.push({ cause, index, support: counted, against, score, strongest: Math.max(...measured.map((m) => m.clue.weight)) });
  });
  scored.sort(
    (a, b) =>
      b.score - a.score || b.strongest - a.strongest || LAYERS.indexOf(a.cause.layer) - LAYERS.indexOf(b.cause.layer) || a.index - b.index,
  );
  return answerFirst(scored, byName).map(({ cause, support, against, score }) => {
    const subjects = [...subjectsOf(support)];
    const f = (list: string[]) => list.map((t) => fill(t, byName, subjects));
    return {
      cause: cause.id,
      title: fill(cause.title, byName, subjects),
      category: cause.category,
      likelihood: likelihoodOf(score),
      score: Math.round(score * 100) / 100,
      evidence: support.map(says),
      against: against.map(says),
      confirm: f(cause.confirm),
      fixes: f(cause.fixes),
      verification: f(cause.verification),
      prevention: f(cause.prevention),
      severity: cause.severity,
    };
  });
}
