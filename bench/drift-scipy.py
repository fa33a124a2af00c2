#!/usr/bin/env python3
"""scipy's side of bench/drift.ts: the same scenarios on the same files, one per process so its
peak RSS is its own. Prints one JSON line: median seconds, peak RSS (MB) and a result to compare.
CSV loading uses numpy.loadtxt (pandas is not installed on these machines; with pandas,
read_csv would be faster). Usage: drift-scipy.py SCENARIO DIR REPEAT"""
import json
import os
import sys
import time

import numpy as np
from scipy import stats

FEATURES = 100
scenario, directory, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])


def f64(name, columns):
    return np.fromfile(os.path.join(directory, name), dtype="<f8").reshape(columns, -1)


def csv(name):
    return np.loadtxt(os.path.join(directory, name), delimiter=",", skiprows=1, ndmin=2).T


def normed_wasserstein(ref, cur):
    # Evidently's wasserstein drift score
    return stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)


def ks_memory():
    a, b = f64("ks-a.f64", 1)[0], f64("ks-b.f64", 1)[0]
    return lambda: "D=%r p=%r" % tuple(float(x) for x in stats.ks_2samp(a, b)[:2])


def ks_e2e():
    def run():
        a, b = csv("ks-a.csv")[0], csv("ks-b.csv")[0]
        return "D=%r p=%r" % tuple(float(x) for x in stats.ks_2samp(a, b)[:2])

    return run


def wide_ks_memory():
    ref, cur = f64("wide-ref.f64", FEATURES), f64("wide-cur.f64", FEATURES)
    return lambda: "drifted=%d" % sum(stats.ks_2samp(ref[i], cur[i]).pvalue < 0.05 for i in range(FEATURES))


def wide_wasserstein_memory():
    ref, cur = f64("wide-ref.f64", FEATURES), f64("wide-cur.f64", FEATURES)
    return lambda: "drifted=%d" % sum(normed_wasserstein(ref[i], cur[i]) >= 0.1 for i in range(FEATURES))


def wide_ks_e2e():
    def run():
        ref, cur = csv("wide-ref.csv"), csv("wide-cur.csv")
        return "drifted=%d" % sum(stats.ks_2samp(ref[i], cur[i]).pvalue < 0.05 for i in range(FEATURES))

    return run


def wide_wasserstein_e2e():
    def run():
        ref, cur = csv("wide-ref.csv"), csv("wide-cur.csv")
        return "drifted=%d" % sum(normed_wasserstein(ref[i], cur[i]) >= 0.1 for i in range(FEATURES))

    return run


run = {
    "ks-memory": ks_memory,
    "ks-e2e": ks_e2e,
    "wide-ks-memory": wide_ks_memory,
    "wide-wasserstein-memory": wide_wasserstein_memory,
    "wide-ks-e2e": wide_ks_e2e,
    "wide-wasserstein-e2e": wide_wasserstein_e2e,
}[scenario]()
times = []
for _ in range(repeat):
    t0 = time.perf_counter()
    check = run()
    times.append(time.perf_counter() - t0)
times.sort()
# peak RSS of this process (VmHWM; getrusage's maxrss would include the parent's peak on Linux)
with open("/proc/self/status") as status:
    peak_kb = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
print(json.dumps({"seconds": times[len(times) // 2], "maxRssMB": peak_kb / 1024, "check": check}))
