// Ranks what a human should check next from the shape of the drift: one feature moving points at
// that feature's pipeline, most features moving at an upstream change or a shift in traffic,
// missing values appearing at a broken feature job, new categories or columns at a schema change,
// and nothing moving at a cause outside the inputs.
import type { Hypothesis } from '../report/model.ts';
import type { DriftComparison } from './compare-datasets.ts';
import { missingShares, type FeatureDrift } from './feature-drift.ts';
import { scaleChange } from './scale-change.ts';

/** A rise in a feature's missing share of at least this much (absolute) is reported as evidence. */
export const MISSING_SHARE_JUMP = 0.05;
/** Drifted effect sizes whose coefficient of variation is below this count as "similar". */
const SIMILAR_EFFECTS_CV = 0.5;

export interface MissingJump {
  name: string;
  reference: number;
  current: number;
}

/** Features whose missing share rose by at least MISSING_SHARE_JUMP, or that have no values left. */
export function missingJumps(c: DriftComparison): MissingJump[] {
  const jumps: MissingJump[] = [];
  for (const f of [...c.features, ...c.skipped]) {
    const s = missingShares(f);
    if (s.current - s.reference >= MISSING_SHARE_JUMP) jumps.push({ name: f.name, ...s });
  }
  return jumps.sort((a, b) => b.current - b.reference - (a.current - a.reference));
}

const RANK = { high: 0, medium: 1, low: 2 } as const;

export function rankHypotheses(c: DriftComparison): Hypothesis[] {
  const out: Hypothesis[] = [];
  const drifted = c.features.filter((f) => f.drifted);
  const jumps = missingJumps(c);
  const emptied = c.skipped.filter((s) => s.currentCount === 0 && s.referenceCount > 0);

  if (jumps.length > 0) {
    out.push({
      title: `Broken feature pipeline: missing values appeared in ${shortList(jumps.map((j) => j.name))}`,
      likelihood: 'high',
      evidence: jumps.map((j) => `${j.name}: missing share ${pct(j.reference)} in the reference, ${pct(j.current)} now`),
      fixes: [
        `Check the job or join that produces ${jumps[0]!.name}: failed upstream lookups, timeouts that fall back to null, a renamed source field`,
        'Compare the serving-time feature values with the feature store / offline values for the same entities',
        'Backfill or fix the feature, then re-run this drift check',
      ],
    });
  }

  const rescaled = drifted.flatMap((f) => {
    const pair = c.pairs.get(f.name);
    return pair?.sample.kind === 'numeric' ? (scaleChange(f.name, pair.sample.reference, pair.sample.current) ?? []) : [];
  });
  if (rescaled.length > 0) {
    out.push({
      title: `Preprocessing or unit change in ${shortList(rescaled.map((r) => r.feature))}`,
      likelihood: 'high',
      evidence: rescaled.map((r) => r.description),
      fixes: [
        `Find where ${rescaled[0]!.feature} is converted or scaled (feature code, serving preprocessing, the producer's release notes) and make training and serving agree`,
        'Add a unit and range check for the feature at the pipeline boundary',
      ],
    });
  }

  const unseen = c.features.filter((f) => f.unseenCategories.length > 0);
  if (c.onlyInReference.length > 0 || emptied.length > 0 || unseen.length > 0) {
    const evidence = [
      ...c.onlyInReference.map((n) => `${n} is in the reference but missing from the current data`),
      ...emptied.map((s) => `${s.name} has no values in the current data`),
      ...c.onlyInCurrent.map((n) => `${n} is new in the current data`),
      ...unseen.map((f) => `${f.name}: values never seen in the reference: ${shortList(f.unseenCategories.map((v) => `"${v}"`), 5)}`),
    ];
    out.push({
      title: 'Schema or upstream value change (renamed or removed columns, new category values)',
      likelihood: c.onlyInReference.length > 0 || emptied.length > 0 ? 'high' : 'medium',
      evidence,
      fixes: [
        'Diff the upstream schema / producer release notes for the period between the reference and now',
        unseen.length > 0 ? `Map the new values of ${shortList(unseen.map((f) => f.name))} or make the encoder handle unknown categories explicitly` : 'Restore or re-map the missing columns in the feature pipeline',
        'Add schema validation (column set, types, allowed values) at the pipeline boundary',
      ],
    });
  }

  if (drifted.length > 0 && c.datasetDrift) {
    const similar = similarEffects(drifted);
    const evidence = [`${drifted.length} of ${c.features.length} features drifted (${pct(c.driftedShare)})`, ...drifted.slice(0, 5).map(effectLine)];
    const upstream: Hypothesis = {
      title: 'Upstream data change affecting many features (new source table, preprocessing or unit change, pipeline version)',
      likelihood: similar ? 'medium' : 'high',
      evidence: similar ? evidence : [...evidence, 'the shifts differ in size from feature to feature'],
      fixes: [
        'Check deploys of the data pipeline and feature code around when the drift began',
        'Recompute a few features by hand from raw data for the same entities and compare',
        'Roll back the pipeline change or retrain on data produced by the new pipeline',
      ],
    };
    const mix: Hypothesis = {
      title: 'Seasonality or a change in traffic mix (new region, client, campaign, time of day)',
      likelihood: similar ? 'high' : 'medium',
      evidence: similar ? [...evidence, 'the drifted features moved by similar amounts'] : evidence,
      fixes: [
        'Compare against a reference from the same season / weekday / hour, or per segment (region, client, platform)',
        'If the population really changed, retrain or reweight on recent data and monitor per segment',
      ],
    };
    out.push(...(similar ? [mix, upstream] : [upstream, mix]));
  } else if (drifted.length > 0) {
    out.push({
      title: `Pipeline change in ${drifted.length === 1 ? 'one feature' : 'a few features'}: ${shortList(drifted.map((f) => f.name))}`,
      likelihood: 'high',
      evidence: [`only ${drifted.length} of ${c.features.length} features drifted`, ...drifted.slice(0, 5).map(effectLine)],
      fixes: [
        `Review recent changes to how ${drifted[0]!.name} is computed: preprocessing, encoding, units, default values, the source it reads`,
        `Plot ${drifted[0]!.name} over time to find when it changed and match that to deploys`,
      ],
    });
    out.push({
      title: `A genuine change in the population behind ${shortList(drifted.map((f) => f.name))}`,
      likelihood: 'low',
      evidence: ['the other features did not move, which a population change usually also shows'],
      fixes: ['Confirm with the owners of the upstream system; if real, retrain with recent data'],
    });
  }

  if (drifted.length === 0 && jumps.length === 0 && out.length === 0) {
    out.push({
      title: 'The inputs did not move: look outside the feature distributions',
      likelihood: 'high',
      evidence: [`none of ${c.features.length} features drifted`],
      fixes: [
        'Check the model version and serving path (a rollout, a different artefact, changed post-processing or thresholds)',
        'Check the labels: delayed, mis-joined or changed definitions make accuracy look worse',
        'Concept drift (same inputs, different outcomes) needs labelled recent data: compare accuracy per segment',
      ],
    });
  }
  return out.sort((a, b) => RANK[a.likelihood] - RANK[b.likelihood]);
}

function similarEffects(drifted: FeatureDrift[]): boolean {
  if (drifted.length < 3) return false;
  const values = drifted.map((f) => f.effectSize.value);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return mean > 0 && sd / mean < SIMILAR_EFFECTS_CV;
}

function effectLine(f: FeatureDrift): string {
  return `${f.name}: ${f.effectSize.measure} ${f.effectSize.value.toPrecision(2)}${f.pValue === null ? '' : `, p = ${f.pValue.toPrecision(2)}`}`;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share > 0 ? 1 : 0)}%`;
}

/** `a, b, c and 4 more`: at most `max` items named. */
export function shortList(items: string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
