// Survival function of the one-sided Kolmogorov–Smirnov statistic D+_n (Smirnov's exact distribution).
// It is the tail that scipy's finite-n two-sided Kolmogorov distribution uses for large deviations
// (2·smirnov), so the KS p-values of drifted features come from here. Follows the algorithm of
// scipy.special.smirnov (xsf/cephes/kolmogorov.h: Birnbaum–Tingey sum, same special cases and
// early stop), with terms evaluated in log space instead of double-double arithmetic — accurate
// to about 1e-10 relative, far inside the 1e-6 this project promises.

const DBL_EPSILON = 2 ** -52;
/** log(2^-1022): below exp(MINLOG) the survival function underflows (cephes MINLOG). */
const MINLOG = -708.3964185322641;
/** Above this n scipy switches to an asymptotic formula (SMIRNOV_MAX_COMPUTE_N). */
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter

/** floor(n·x) and the remainder n·x − floor(n·x), both from the exact product (as scipy's modNX). */
function floorOfProduct(n: number, x: number): { floor: number; alpha: number } {
  const p = n * x;
  // Dekker's TwoProduct: p + e == n·x exactly.
  const na = SPLIT * n;
  const nHi = na - (na - n);
  const nLo = n - nHi;
  const xa = SPLIT * x;
  const xHi = xa - (xa - x);
  const xLo = x - xHi;
  const e = nHi * xHi - p + nHi * xLo + nLo * xHi + nLo * xLo;
  let fl = Math.floor(p);
  let alpha = p - fl + e;
  if (alpha < 0) {
    fl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    fl += 1;
    alpha = 0;
  }
  return { floor: fl, alpha };
}

/**
 * P(D+_n > x) for a sample of n values: scipy.special.smirnov(n, x).
 * @param n sample size (integer ≥ 1)
 * @param x deviation in [0, 1]
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  const { floor: nxfl, alpha } = floorOfProduct(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) n1mxfl -= 1;

  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    // x <= 1/n: only the first term of the upper sum.
    return clamp01(1 - x * Math.pow(1 + x, n - 1));
  }
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return clamp01(Math.pow(1 - x, n));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    return clamp01(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }

  // Lower sum: x · Σ_{v=0}^{n1mxfl} C(n,v) (1−x−v/n)^(n−v) (x+v/n)^(v−1); every term is positive.
  // scipy takes the upper (alternating) sum only for x ≤ 0.5/√n with at most three terms, a
  // region the two-sided distribution never sends here (it needs n·x² ≥ 2.2 or x ≥ 0.5).
  const nTerms = n1mxfl + 1;
  const vmid = Math.floor(n / 2);
  // Terms are summed as exp(log term − shift); shift starts at the first term's log and moves up
  // only when a term would otherwise overflow, so a single exp and two logs per term suffice.
  let shift = n * Math.log1p(-x) - Math.log(x);
  let sum = 1;
  // C(n, v) as cMan · 2^cExp, the mantissa kept within [2^-100, 2^100].
  let cMan = n;
  let cExp = 0;
  for (let v = 1; v < nTerms; v++) {
    const t2x = (n - v) / n - x;
    const t1x = v / n + x;
    const e = cExp * Math.LN2 + (n - v) * Math.log(t2x) + (v - 1) * Math.log(t1x) - shift;
    let term: number;
    if (e > 500) {
      sum *= Math.exp(-e);
      shift += e;
      term = cMan;
    } else {
      term = cMan * Math.exp(e);
    }
    sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < DBL_EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
    cMan *= (n - v) / (v + 1);
    if (cMan > 2 ** 100) {
      cMan *= 2 ** -100;
      cExp += 100;
    } else if (cMan < 2 ** -100) {
      cMan *= 2 ** 100;
      cExp -= 100;
    }
  }
  return clamp01(x * Math.exp(shift + Math.log(sum)));
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}
