// Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n for finite n:
// scipy.stats.kstwo.sf(d, n). ks_2samp's asymptotic p-value is kstwo.sf(D, round(m·n/(m+n))),
// not the limiting kstwobign series, so matching scipy means porting its whole algorithm choice
// (scipy/stats/_ksstats.py, after Simard & L'Ecuyer 2011): Ruben–Gambino closed forms at the
// ends, Durbin's matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion, the Pelz–Good expansion
// and 2·Smirnov, each where scipy uses it.

import { smirnovSf } from './smirnov-distribution.ts';

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;
// Stirling coefficients B_{2j}/(2j)/(2j−1), j = 8..1 (scipy _STIRLING_COEFFS).
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

/**
 * P(D_n ≥ d) for a sample of n values from a continuous distribution (scipy kstwo.sf).
 * @param n sample size (integer ≥ 1; anything else gives NaN, as scipy does)
 * @param d the statistic, in [0, 1] (outside is clipped to 1 or 0)
 */
export function kolmogorovSf(n: number, d: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(d)) return Number.NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    // Ruben–Gambino: 1/(2n) ≤ d ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      const invN = 1 / n;
      const base = 2 * t - 1;
      for (let i = 1; i <= n; i++) cdf *= i * invN * base;
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * Math.pow(1 - d, n));
  if (d >= 0.5) return clip01(2 * smirnovSf(n, d));

  const nxSquared = t * d;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - clip01(durbinCdf(n, d)));
    if (nxSquared <= 4) return clip01(1 - clip01(pomeranzCdf(n, d)));
    return clip01(2 * smirnovSf(n, d));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, d));
  const cdf = n <= 100000 && n * d ** 1.5 <= 1.4 ? clip01(durbinCdf(n, d)) : pelzGoodCdf(n, d);
  return clip01(1 - cdf);
}

function clip01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** x · 2^e without intermediate overflow or underflow of 2^e. */
function ldexp(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) {
    r *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    r *= 2 ** -1000;
    k += 1000;
  }
  return r * 2 ** k;
}

/** log(n!/n^n) by Stirling's series with n·log(n) removed up front. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const u = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * u + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** C = A·B for m×m row-major matrices. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[row + k] as number;
      if (aik === 0) continue;
      const bRow = k * m;
      for (let j = 0; j < m; j++) c[row + j] = (c[row + j] as number) + aik * (b[bRow + j] as number);
    }
  }
  return c;
}

/** P(D_n ≤ d) by Durbin's matrix algorithm in the Marsaglia–Tsang–Wang form (scipy _kolmogn_DMTW). */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;

  let hMat: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) hMat[r * m + i] = w[r - (i - 1)] as number;
  }
  for (let r = 0; r < m; r++) hMat[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) hMat[(m - 1) * m + c] = v[m - 1 - c] as number;

  let hPower: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) hPower[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2) {
      hPower = matmul(hPower, hMat, m);
      expnt += hExpnt;
    }
    hMat = matmul(hMat, hMat, m);
    hExpnt *= 2;
    if (Math.abs(hMat[kk] as number) > EP128) {
      for (let i = 0; i < hMat.length; i++) hMat[i] = (hMat[i] as number) / EP128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }

  let p = hPower[kk] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  return expnt !== 0 ? ldexp(p, expnt) : p;
}

/** Interval of non-zero entries of row i in Pomeranz's recursion (scipy _pomeranz_compute_j1j2). */
function pomeranzInterval(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ d) by Pomeranz's recursion (scipy _kolmogn_Pomeranz). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * gOverN) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * twoGOverN) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * oneMinusTwoGOverN) / m;
  }

  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  let j1 = pomeranzInterval(0, n, ll, ceilf, roundf)[0];
  let j2: number;
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0s, v1s] = [v1s, v0s];
    v1.fill(0);
    [j1, j2] = pomeranzInterval(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // Entries [convStart, convStart + convLen) of the full convolution of V0[k1-V0s ..][:ln2] and pwrs[:ln2].
      const offset = k1 - v0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let max = 0;
      for (let r = 0; r < convLen; r++) {
        const idx = convStart + r;
        let s = 0;
        const lo = Math.max(0, idx - (ln2 - 1));
        const hi = Math.min(idx, ln2 - 1);
        for (let a = lo; a <= hi; a++) s += (v0[offset + a] as number) * (pwrs[idx - a] as number);
        v1[r] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < EM128) {
        for (let r = 0; r < v1.length; r++) v1[r] = (v1[r] as number) * EP128;
        expnt -= E128;
      }
      v1s = v0s + j1 - k1;
    }
  }
  let ans = v1[n - v1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  return expnt !== 0 ? ldexp(ans, expnt) : ans;
}

/** Pelz–Good approximation to P(D_n ≤ x) (scipy _kolmogn_PelzGood), not clipped. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI_SQUARED / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = Math.pow(q, 8 * k);
    s0 = s0 * qpower + 1;
    s1 = s1 * qpower + (k1a + k1b * m2);
    s2 = s2 * qpower + (k2a + k2b * m2 + k2c * m4);
    s3 = s3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  s0 = (s0 * q * SQRT2PI) / z;
  s1 = (s1 * q * SQRT2PI) / (6 * z4);
  s2 = (s2 * q * SQRT2PI) / (72 * z ** 7);
  s3 = (s3 * q * SQRT2PI) / (6480 * z ** 10);

  q = Math.exp(-PI_SQUARED / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qp;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qp;
  }
  s2 += k2extra * ((PI_SQUARED * SQRT2PI) / (-36 * z3));
  s3 += k3extra * ((PI_SQUARED * SQRT2PI) / (216 * z6));
  return s0 + s1 / Math.sqrt(n) + s2 / n + s3 / n ** 1.5;
}
