// Two-proportion Z-test for binary features, as Evidently's "z" stattest: the first category in
// sorted order counts as 0, every other as 1, and the two shares are compared with a pooled
// variance. The p-value is 2·Φ(−|z|) from erfc, the same number Evidently's 2·(1 − Φ(|z|)) gives
// but without the cancellation that turns every p below 1e-16 into 0.

import { erfc } from './special-functions.ts';

export interface ZTestResult {
  /** (p_ref − p_cur) / √(P(1 − P)(1/n_ref + 1/n_cur)), p the share of non-first categories. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
}

/** Φ(x), the standard normal CDF, to about 1e-15 relative (including the far lower tail). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/**
 * Categories in the order Python's sorted() puts Evidently's values: numerically when every label
 * is a number, otherwise by code point.
 */
function sortCategories(keys: string[]): string[] {
  const numeric = keys.every((k) => k.trim() !== '' && Number.isFinite(Number(k)));
  return numeric ? [...keys].sort((a, b) => Number(a) - Number(b)) : [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Two-proportion Z-test on category counts. When both sides hold the same single category the
 * result is z = 0, p = 1 (Evidently's special case).
 * @throws RangeError when either side has no counts.
 */
export function zTest(reference: Map<string, number>, current: Map<string, number>): ZTestResult {
  const present = (m: Map<string, number>) => [...m].filter(([, c]) => c > 0).map(([k]) => k);
  const refKeys = present(reference);
  const curKeys = present(current);
  const n1 = refKeys.reduce((s, k) => s + (reference.get(k) as number), 0);
  const n2 = curKeys.reduce((s, k) => s + (current.get(k) as number), 0);
  if (n1 <= 0 || n2 <= 0) throw new RangeError('zTest needs counts on both sides');
  if (refKeys.length === 1 && curKeys.length === 1 && refKeys[0] === curKeys[0]) return { statistic: 0, pValue: 1 };
  const first = sortCategories([...new Set([...refKeys, ...curKeys])])[0] as string;
  const p1 = (n1 - (reference.get(first) ?? 0)) / n1;
  const p2 = (n2 - (current.get(first) ?? 0)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const statistic = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic, pValue: erfc(Math.abs(statistic) / Math.SQRT2) };
}
