// The few special functions the drift tests need, accurate well past what the tests compare
// against scipy (1e-12 relative for the normal tail, 1e-10 for the chi-square tail): log-gamma,
// the complementary error function and the regularised upper incomplete gamma function.

// Lanczos approximation, g = 7, n = 9 (about 15 significant digits).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
const EPS = 2 ** -53;
const TINY = 1e-300;

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** exp(−x²) with x² split so that the rounding of x² does not cost relative accuracy for large x. */
function expMinusSquare(x: number): number {
  const hi = Math.round(x * 4096) / 4096; // hi² is exact
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
}

/** erfc(x), relative error about 1e-15 over the whole range (0 beyond x ≈ 27.3). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2^n x^(2n+1) / (1·3·…·(2n+1)): positive terms, no cancellation.
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * EPS; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  if (x > 27.3) return 0;
  // Laplace continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
  // evaluated by the modified Lentz method.
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1 / TINY : 1 / d;
    c = x + a / c;
    if (c === 0) c = TINY;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

/**
 * log(x^a·e^(−x)/Γ(a)). For large a the direct a·log(x) − x − logΓ(a) cancels badly (each term is
 * about a·log(a)), so it is rewritten with Stirling's series as
 * a·(log1p(t) − t) + ½·log(a/2π) − stirlingCorrection(a), t = (x − a)/a.
 */
function logPowerExpOverGamma(a: number, x: number): number {
  if (a < 20) return a * Math.log(x) - x - logGamma(a);
  const t = (x - a) / a;
  const ia = 1 / a;
  const ia2 = ia * ia;
  // 1/(12a) − 1/(360a³) + 1/(1260a⁵) − 1/(1680a⁷): the remainder is below 2e-15 for a ≥ 20.
  const correction = ia * (1 / 12 - ia2 * (1 / 360 - ia2 * (1 / 1260 - ia2 / 1680)));
  return a * (Math.log1p(t) - t) + 0.5 * Math.log(a / (2 * Math.PI)) - correction;
}

/** Regularised upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), for a > 0, x ≥ 0. */
export function upperRegularizedGamma(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  const logPrefactor = logPowerExpOverGamma(a, x);
  if (x < a + 1) {
    // Series for P(a, x); Q = 1 − P is not small here.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100000 && Math.abs(term) > Math.abs(sum) * EPS; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.min(1, Math.max(0, 1 - Math.exp(logPrefactor) * sum));
  }
  // Continued fraction for Q(a, x) (Numerical Recipes gcf, modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor) * h;
}
