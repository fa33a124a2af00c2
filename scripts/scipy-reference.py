#!/usr/bin/env python3
"""Reference values for src/stats/*, produced once with scipy and committed as
test/stats/scipy-reference.json, so the tests need no python.

    python3 scripts/scipy-reference.py > test/stats/scipy-reference.json

Inputs are deterministic: small samples come from a seeded numpy Generator, rounded to a few
decimals, and are stored in the JSON; large samples are stored as a recipe
    value[i] = offset + scale * ((i * mult + add) % mod)
evaluated in exact int64 arithmetic then one float multiply and one add, which the TypeScript
test reproduces bit for bit. Evidently's binning (get_binned_data) is re-implemented here with
numpy because pandas is not installed; the comments say which line of Evidently each step is.
"""
import json
import math
import sys
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

rng = np.random.default_rng(20261123)


def recipe(n, mult, add, mod, scale=1.0, offset=0.0):
    return {"n": n, "mult": mult, "add": add, "mod": mod, "scale": scale, "offset": offset}


def from_recipe(r):
    i = np.arange(r["n"], dtype=np.int64)
    k = (i * r["mult"] + r["add"]) % r["mod"]
    return r["offset"] + r["scale"] * k.astype(np.float64)


def num(x):
    """JSON has no Infinity/NaN: encode them as strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def ks_case(name, a, b, alternative="two-sided", method="auto", store=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = stats.ks_2samp(a, b, alternative=alternative, method=method)
    n1, n2 = len(a), len(b)
    used = method
    if used == "auto":
        used = "exact" if max(n1, n2) <= 10000 else "asymp"
    if any("Switching to" in str(w.message) for w in caught):
        used = "asymp"
    case = {"name": name, "alternative": alternative, "method": method, "n1": n1, "n2": n2,
            "statistic": num(res.statistic), "pValue": num(res.pvalue), "scipyMethod": used}
    case.update(store)
    return case


def small(values):
    return [float(v) for v in values]


ks = []
# Tiny samples.
ks.append(ks_case("n=1 vs n=1 distinct", [0.5], [1.5], store={"a": [0.5], "b": [1.5]}))
ks.append(ks_case("n=1 vs n=1 equal", [2.0], [2.0], store={"a": [2.0], "b": [2.0]}))
for n1, n2 in [(1, 2), (2, 3), (3, 3), (1, 3), (3, 2), (2, 2), (1, 5), (3, 7)]:
    a = np.round(rng.normal(size=n1), 3)
    b = np.round(rng.normal(0.5, 1, size=n2), 3)
    ks.append(ks_case(f"tiny {n1} vs {n2}", a, b, store={"a": small(a), "b": small(b)}))
ks.append(ks_case("n=2 vs n=3 disjoint", [0.0, 1.0], [5.0, 6.0, 7.0],
                  store={"a": [0.0, 1.0], "b": [5.0, 6.0, 7.0]}))
# Equal and unequal sizes, exact.
for n1, n2, shift in [(50, 50, 0.3), (200, 200, 0.0), (37, 53, 0.4), (100, 250, 0.2),
                      (250, 100, 0.2), (400, 600, 0.15), (1000, 999, 0.05), (64, 96, 0.0)]:
    a = np.round(rng.normal(size=n1), 4)
    b = np.round(rng.normal(shift, 1, size=n2), 4)
    ks.append(ks_case(f"normal {n1} vs {n2} shift {shift}", a, b, store={"a": small(a), "b": small(b)}))
# Ties: few distinct values.
for n1, n2 in [(60, 60), (45, 80), (300, 200)]:
    a = rng.integers(0, 6, size=n1).astype(float)
    b = rng.integers(1, 7, size=n2).astype(float)
    ks.append(ks_case(f"ties {n1} vs {n2}", a, b, store={"a": small(a), "b": small(b)}))
a = rng.integers(0, 3, size=40).astype(float)
ks.append(ks_case("ties identical multiset", a, rng.permutation(a),
                  store={"a": small(a), "b": small(rng.permutation(a))}))
# Large statistic, tiny p (disjoint or nearly).
for n1, n2 in [(40, 60), (150, 150), (300, 450)]:
    a = np.round(rng.uniform(0, 1, size=n1), 4)
    b = np.round(rng.uniform(0.8, 1.8, size=n2), 4)
    ks.append(ks_case(f"far apart {n1} vs {n2}", a, b, store={"a": small(a), "b": small(b)}))
a = np.arange(500, dtype=float)
b = np.arange(500, dtype=float) + 1000
ks.append(ks_case("disjoint 500 vs 500 (p ~ 1e-299)", a, b, store={"a": small(a), "b": small(b)}))
# p close to 1.
a = np.round(rng.normal(size=300), 4)
b = np.round(np.sort(a) + 1e-5, 5)
ks.append(ks_case("p ~ 1 interleaved 300", a, b, store={"a": small(a), "b": small(b)}))
# One-sided.
for alt in ["less", "greater"]:
    a = np.round(rng.normal(size=80), 4)
    b = np.round(rng.normal(0.3, 1, size=80), 4)
    ks.append(ks_case(f"one-sided {alt} equal 80", a, b, alternative=alt, store={"a": small(a), "b": small(b)}))
    a = np.round(rng.normal(size=70), 4)
    b = np.round(rng.normal(-0.3, 1, size=110), 4)
    ks.append(ks_case(f"one-sided {alt} 70 vs 110", a, b, alternative=alt, store={"a": small(a), "b": small(b)}))
    a = np.round(rng.normal(size=700), 3)
    b = np.round(rng.normal(0.1, 1, size=900), 3)
    ks.append(ks_case(f"one-sided {alt} 700 vs 900 (binomial overflows: asymp)", a, b,
                      alternative=alt, store={"a": small(a), "b": small(b)}))
# Forced methods on small samples.
a = np.round(rng.normal(size=120), 4)
b = np.round(rng.normal(0.25, 1, size=90), 4)
ks.append(ks_case("method asymp 120 vs 90", a, b, method="asymp", store={"a": small(a), "b": small(b)}))
ks.append(ks_case("method exact 120 vs 90", a, b, method="exact", store={"a": small(a), "b": small(b)}))
ks.append(ks_case("method asymp one-sided greater 120 vs 90", a, b, alternative="greater", method="asymp",
                  store={"a": small(a), "b": small(b)}))

# Large samples as recipes (exact near the 10,000 boundary, asymptotic beyond it).
big = [
    ("exact 9999 vs 10000 uniform shift", recipe(9999, 7919, 3, 10007), recipe(10000, 104729, 11, 10009, 1.0, 150.0)),
    ("exact 10000 vs 10000 uniform shift", recipe(10000, 7919, 3, 10007), recipe(10000, 104729, 11, 10009, 1.0, 80.0)),
    ("exact 10000 vs 4000 ties", recipe(10000, 7919, 5, 97), recipe(4000, 104729, 1, 101)),
    ("exact 9000 vs 9000 p~1", recipe(9000, 7919, 0, 9001), recipe(9000, 6007, 1, 9011)),
    ("asymp 10001 vs 10001 (en=5000.5 rounds to even)", recipe(10001, 7919, 3, 10007), recipe(10001, 104729, 11, 10009, 1.0, 40.0)),
    ("asymp 20000 vs 20000 smirnov tail", recipe(20000, 7919, 3, 20011), recipe(20000, 104729, 11, 20021, 1.0, 600.0)),
    ("asymp 20000 vs 20000 durbin (small D)", recipe(20000, 7919, 3, 20011), recipe(20000, 104729, 11, 20021, 1.0, 20.0)),
    ("asymp 40000 vs 30000 pelz-good", recipe(40000, 7919, 3, 40009), recipe(30000, 104729, 11, 30011, 1.3334, 80.0)),
    ("asymp 30000 vs 30000 far apart (p = 0)", recipe(30000, 7919, 3, 30011), recipe(30000, 104729, 11, 30029, 1.0, 9000.0)),
    ("asymp 50000 vs 60 (n <= 140 pomeranz)", recipe(50000, 7919, 3, 50021), recipe(60, 104729, 11, 61, 820.0, 8000.0)),
    ("asymp 50000 vs 60 (n <= 140 durbin)", recipe(50000, 7919, 3, 50021), recipe(60, 104729, 11, 61, 820.0, 3000.0)),
    ("asymp 50000 vs 60 (n <= 140 smirnov)", recipe(50000, 7919, 3, 50021), recipe(60, 104729, 11, 61, 820.0, 12000.0)),
    ("asymp 50000 vs 3 (t <= 1)", recipe(50000, 7919, 3, 50021), recipe(3, 1, 0, 3, 16000.0, 8000.0)),
    ("asymp 300000 vs 300000 pelz-good", recipe(300000, 7919, 3, 300007), recipe(300000, 104729, 11, 300023, 1.0, 400.0)),
    ("asymp 1e6 vs 1e6 ties", recipe(1000000, 7919, 3, 1000), recipe(1000000, 104729, 11, 1000, 1.0, 1.0)),
    ("asymp 1e6 vs 1e6 small shift", recipe(1000000, 7919, 3, 1000003), recipe(1000000, 104729, 11, 1000033, 1.0, 2500.0)),
    ("asymp 1e6 vs 1e6 far (p ~ 1e-170)", recipe(1000000, 7919, 3, 1000003), recipe(1000000, 104729, 11, 1000033, 1.0, 20000.0)),
]
for name, ra, rb in big:
    ks.append(ks_case(name, from_recipe(ra), from_recipe(rb), store={"aRecipe": ra, "bRecipe": rb}))
ra, rb = recipe(12000, 7919, 3, 12007), recipe(15000, 104729, 11, 15013, 0.8, 300.0)
ks.append(ks_case("method exact 12000 vs 15000", from_recipe(ra), from_recipe(rb), method="exact",
                  store={"aRecipe": ra, "bRecipe": rb}))
ks.append(ks_case("one-sided greater 12000 vs 15000 asymp", from_recipe(ra), from_recipe(rb), alternative="greater",
                  store={"aRecipe": ra, "bRecipe": rb}))

# The finite-n Kolmogorov distribution itself, across every branch of scipy's algorithm choice.
kstwo = []
for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 5000, 20000, 100000, 100001, 500000, 2000000]:
    for d in [1e-7, 0.3 / n, 0.75 / n, 1.0 / n, 1.5 / n, 0.2 / math.sqrt(n), 0.5 / math.sqrt(n),
              0.8 / math.sqrt(n), 1.2 / math.sqrt(n), 1.6 / math.sqrt(n), 2.5 / math.sqrt(n),
              5 / math.sqrt(n), 12 / math.sqrt(n), 19 / math.sqrt(n), 0.45, 0.5, 0.7, (n - 0.5) / n, 1.0]:
        if d <= 0 or d > 1:
            continue
        kstwo.append({"n": n, "d": d, "sf": num(stats.kstwo.sf(d, n))})
smirnov = []
for n in [2, 5, 30, 141, 1000, 1013, 20000, 500000, 1000000, 1000001]:
    for d in [0.5 / n, 1.0 / n, 3.0 / n, 1 / math.sqrt(n), 2 / math.sqrt(n), 6 / math.sqrt(n), 0.3, 0.5, 0.9]:
        if d <= 0 or d >= 1:
            continue
        smirnov.append({"n": n, "d": d, "sf": num(special.smirnov(n, d))})


# Chi-square (Evidently's goodness of fit: current counts against reference shares).
def chi_case(name, ref, cur):
    keys = sorted(set(ref) | set(cur))
    n_ref, n_cur = sum(ref.values()), sum(cur.values())
    f_exp = [ref.get(k, 0) * (n_cur / n_ref) for k in keys]
    f_obs = [cur.get(k, 0) for k in keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        res = stats.chisquare(f_obs, f_exp)
    return {"name": name, "reference": ref, "current": cur, "statistic": num(res.statistic),
            "pValue": num(res.pvalue), "dof": len(keys) - 1}


chi = [
    chi_case("three categories, mild shift", {"a": 500, "b": 300, "c": 200}, {"a": 460, "b": 330, "c": 210}),
    chi_case("strong shift", {"red": 900, "green": 80, "blue": 20}, {"red": 300, "green": 400, "blue": 300}),
    chi_case("identical shares", {"x": 10, "y": 20, "z": 30}, {"x": 20, "y": 40, "z": 60}),
    chi_case("two categories", {"yes": 70, "no": 30}, {"yes": 55, "no": 45}),
    chi_case("current lacks a category", {"a": 100, "b": 100, "c": 5}, {"a": 120, "b": 90}),
    chi_case("unseen category in current", {"a": 100, "b": 100}, {"a": 100, "b": 90, "new": 3}),
]
k = 400
ref = {f"c{i}": int(c) for i, c in enumerate(rng.integers(50, 500, size=k))}
cur = {f"c{i}": int(c) for i, c in enumerate(rng.integers(50, 500, size=k))}
chi.append(chi_case("400 categories, very different", ref, cur))
cur2 = {key: int(v * 2 + rng.integers(-3, 4)) for key, v in ref.items()}
chi.append(chi_case("400 categories, close", ref, cur2))
chi2_sf = []
for df in [1, 2, 3, 4, 5, 7, 10, 30, 99, 399, 1000, 5000, 20000]:
    for x in [1e-6, 0.1, df * 0.5, df - 1 if df > 1 else 0.5, df, df + 3 * math.sqrt(2 * df), df * 3 + 50,
              df * 10 + 500, df * 40 + 2000]:
        chi2_sf.append({"dof": df, "x": x, "sf": num(stats.chi2.sf(x, df))})


# Two-proportion Z-test (Evidently: first sorted category -> 0, the rest -> 1, pooled variance).
def category_order(keys):
    """Evidently sorts the column's values: numbers numerically (a numeric binary column), else strings."""
    try:
        return sorted(keys, key=float)
    except ValueError:
        return sorted(keys)


def z_case(name, ref, cur):
    keys = category_order(set(ref) | set(cur))
    n1, n2 = sum(ref.values()), sum(cur.values())
    if len(set(ref)) == 1 and len(set(cur)) == 1 and set(ref) == set(cur):
        return {"name": name, "reference": ref, "current": cur, "statistic": 0.0, "pValue": 1.0}
    p1 = (n1 - ref.get(keys[0], 0)) / n1
    p2 = (n2 - cur.get(keys[0], 0)) / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    # Evidently writes 2 * (1 - norm.cdf(|z|)); the survival function is the same number without
    # the cancellation below 1e-16.
    return {"name": name, "reference": ref, "current": cur, "statistic": num(z), "pValue": num(2 * stats.norm.sf(abs(z)))}


z = [
    z_case("balanced small shift", {"0": 480, "1": 520}, {"0": 450, "1": 550}),
    z_case("rare positive class", {"no": 9900, "yes": 100}, {"no": 9700, "yes": 300}),
    z_case("huge shift", {"a": 50000, "b": 50000}, {"a": 20000, "b": 80000}),
    z_case("same single category", {"t": 40}, {"t": 70}),
    z_case("category only in current", {"a": 40}, {"a": 30, "b": 10}),
    z_case("numeric labels sort numerically", {"2": 30, "10": 70}, {"2": 45, "10": 55}),
]
normal_cdf = [{"x": x, "cdf": num(stats.norm.cdf(x))} for x in
              [-38.0, -37.5, -30.0, -20.0, -10.0, -8.3, -5.0, -3.0, -2.5, -1.96, -1.5, -1.0, -0.75, -0.70710678,
               -0.69, -0.5, -0.3, -1e-3, 0.0, 1e-3, 0.5, 0.7, 1.0, 1.6448536269514722, 3.0, 6.0, 8.0]]


# Wasserstein.
wass = []
for name, a, b in [
    ("doc example", np.array([0.0, 1.0, 3.0]), np.array([5.0, 6.0, 8.0])),
    ("normal vs shifted", np.round(rng.normal(size=300), 4), np.round(rng.normal(0.5, 2, size=200), 4)),
    ("ties", rng.integers(0, 5, size=100).astype(float), rng.integers(0, 7, size=130).astype(float)),
    ("constant reference", np.full(50, 3.0), np.round(rng.normal(3, 0.01, size=40), 5)),
    ("single values", np.array([1.0]), np.array([4.5])),
]:
    wass.append({"name": name, "a": small(a), "b": small(b), "distance": num(stats.wasserstein_distance(a, b)),
                 "normed": num(stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))})
for name, ra, rb in [
    ("recipe 200000 vs 150000", recipe(200000, 7919, 3, 200003, 0.001, -5.0), recipe(150000, 104729, 11, 150001, 0.0013, -4.0)),
]:
    a, b = from_recipe(ra), from_recipe(rb)
    wass.append({"name": name, "aRecipe": ra, "bRecipe": rb, "distance": num(stats.wasserstein_distance(a, b)),
                 "normed": num(stats.wasserstein_distance(a, b) / max(np.std(a), 0.001))})


# Evidently's get_binned_data, numpy only (pandas is not installed here).
def binned(reference, current, numeric):
    reference = np.asarray(reference)
    current = np.asarray(current)
    n_vals = len(np.unique(reference))                          # reference_data.nunique()
    if numeric and n_vals > 20:
        edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins="sturges")
        r = np.histogram(reference, edges)[0] / len(reference)
        c = np.histogram(current, edges)[0] / len(current)
        labels = None
    else:
        keys = sorted(set(reference.tolist()) | set(current.tolist()))
        r = np.array([np.sum(reference == k) / len(reference) for k in keys])
        c = np.array([np.sum(current == k) / len(current) for k in keys])
        edges = None
        labels = keys
    return edges, labels, r, c


def fill_zeroes(p):
    p = p.copy()
    nz = p[p != 0].min()
    np.place(p, p == 0, nz / 10**6 if nz <= 0.0001 else 0.0001)
    return p


binning = []
for name, ref, cur, numeric in [
    ("numeric continuous", np.round(rng.normal(size=500), 4), np.round(rng.normal(0.3, 1.2, size=400), 4), True),
    ("numeric with empty bins", np.round(np.concatenate([rng.normal(size=300), rng.normal(8, 0.1, size=5)]), 4),
     np.round(rng.normal(0.1, 1, size=256), 4), True),
    ("numeric 1024 total (log2 exact)", np.round(rng.uniform(0, 10, size=600), 3), np.round(rng.uniform(1, 11, size=424), 3), True),
    ("numeric few unique", rng.integers(0, 8, size=200).astype(float), rng.integers(2, 12, size=150).astype(float), True),
    ("numeric 21 unique in reference", np.arange(21, dtype=float), np.array([0.0, 5.0, 5.0, 20.0, 30.0]), True),
    ("categorical", np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 20), np.array(["a"] * 10 + ["b"] * 60 + ["d"] * 30), False),
]:
    edges, labels, r, c = binned(ref, cur, numeric)
    case = {"name": name, "numeric": numeric,
            "reference": ref.tolist() if numeric else None, "current": cur.tolist() if numeric else None,
            "referenceCounts": None if numeric else {k: int(v) for k, v in zip(*np.unique(ref, return_counts=True))},
            "currentCounts": None if numeric else {k: int(v) for k, v in zip(*np.unique(cur, return_counts=True))},
            "edges": None if edges is None else edges.tolist(),
            "labels": None if labels is None else [str(x) if not numeric else repr(float(x)) for x in labels],
            "referenceShares": r.tolist(), "currentShares": c.tolist(),
            # Evidently: jensenshannon without zero filling, PSI with it.
            "jensenShannon": num(distance.jensenshannon(r, c)),
            "psi": num(np.sum((fill_zeroes(r) - fill_zeroes(c)) * np.log(fill_zeroes(r) / fill_zeroes(c))))}
    binning.append(case)



# Multiple testing as alibi-detect applies it (cd/base.py, utils/statstest.py fdr); per-feature
# Benjamini–Hochberg rejections cross-checked with scipy.stats.false_discovery_control.
def alibi_fdr(p_val, q_val):
    n = p_val.shape[0]
    i = np.arange(n) + 1
    p_sorted = np.sort(p_val)
    q_threshold = q_val * i / n
    below_threshold = p_sorted < q_threshold
    idx = np.where(below_threshold)[0]
    if len(idx) == 0:
        return int(below_threshold.any()), float(q_threshold.min())
    return int(below_threshold.any()), float(q_threshold[idx.max()])


multiple = []
for name, p in [
    ("one strong signal", [0.001, 0.2, 0.5, 0.04, 0.9]),
    ("nothing survives", [0.03, 0.04, 0.045, 0.2]),
    ("step-up rescues a larger p", [0.012, 0.013, 0.014, 0.015, 0.9, 0.95]),
    ("single feature", [0.03]),
    ("random 40", rng.uniform(0, 0.2, size=40).round(5).tolist()),
]:
    arr = np.array(p)
    alpha = 0.05
    bonf = alpha / len(arr)
    drift_fdr, thr_fdr = alibi_fdr(arr, alpha)
    adjusted = stats.false_discovery_control(arr)
    multiple.append({"name": name, "pValues": [float(x) for x in p], "alpha": alpha,
                     "bonferroni": {"threshold": bonf, "datasetDrift": bool((arr < bonf).any()),
                                    "drifted": (arr < bonf).tolist()},
                     "benjaminiHochberg": {"threshold": thr_fdr, "datasetDrift": bool(drift_fdr),
                                           "drifted": (adjusted <= alpha).tolist()}})

json.dump({
    "generator": "scripts/scipy-reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "ks": ks, "kstwo": kstwo, "smirnov": smirnov,
    "chiSquare": chi, "chi2Sf": chi2_sf, "zTest": z, "normalCdf": normal_cdf,
    "wasserstein": wass, "binning": binning, "multipleTesting": multiple,
}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
