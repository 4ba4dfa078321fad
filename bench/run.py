"""`make bench`: the pooled allocation on generated pools, against an independent PuLP model
solved by COIN-OR CBC under the same time limit.

Each solve runs in its own process so that peak memory (max RSS) belongs to that solve alone.
Prints a table and appends rows to a CSV (default bench/results/alloc.csv) so runs can be
compared over time. Sizes: S M L XL (bench/generate.py); XL is not in the default set.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import subprocess
import sys
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# Targets of issue 3: (time limit, relative gap asked of every stage)
SETTINGS = {"S": (60.0, 1e-6), "M": (120.0, 0.01), "L": (120.0, 0.02), "XL": (600.0, 0.05)}
TERMS = ("unmet", "fairness", "resilience", "cost")

STAFFPOOL_CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [{bench!r}, {python!r}]
from generate import generate
import staffpool
scenario = generate({size!r}, {seed})
start = time.monotonic()
pool = staffpool.Pool.from_dict(scenario)
pool_seconds = time.monotonic() - start
sol = staffpool.solve(pool, time_limit={time_limit}, gap={gap})
print(json.dumps({{
    "status": sol.status, "stopped_by": sol.stopped_by, "gap": sol.gap,
    "pool_seconds": pool_seconds, "build_seconds": sol.build_seconds, "seconds": sol.seconds,
    "terms": {{k: [t.value, t.bound, t.gap] for k, t in sol.objective.terms.items()}},
    "columns": sol.model_size["columns"], "rows": sol.model_size["rows"],
    "binaries": sol.model_size["binaries"],
    "cpu_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

REFERENCE_CHILD = r"""
import json, resource, sys, time
sys.path[:0] = [{bench!r}, {tests!r}]
from generate import generate
from reference_model import solve_reference
scenario = generate({size!r}, {seed})
start = time.monotonic()
ref = solve_reference(scenario, time_limit={time_limit})
print(json.dumps({{
    "status": ref["status"], "seconds": time.monotonic() - start,
    "terms": {{k: ref[k] for k in ("unmet", "fairness", "resilience", "cost")}},
    "max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""


def run_child(code: str, timeout: float) -> Optional[dict]:
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(size: str, seed: int, reference: bool) -> Dict[str, object]:
    time_limit, gap = SETTINGS[size]
    paths = {"bench": HERE, "python": os.path.join(ROOT, "python"),
             "tests": os.path.join(ROOT, "tests", "python")}
    ours = run_child(STAFFPOOL_CHILD.format(size=size, seed=seed, time_limit=time_limit, gap=gap,
                                            **paths), time_limit * 3 + 120)
    row: Dict[str, object] = {"size": size, "seed": seed, "time_limit": time_limit, "gap_asked": gap}
    if ours:
        row.update({
            "status": ours["status"], "stopped_by": ours["stopped_by"] or "",
            "pool_s": round(ours["pool_seconds"], 3), "build_s": round(ours["build_seconds"], 3),
            "solve_s": round(ours["seconds"] - ours["build_seconds"], 3),
            "total_s": round(ours["seconds"], 3), "cpu_s": round(ours["cpu_seconds"], 2),
            "gap": ours["gap"],
            "columns": ours["columns"], "rows": ours["rows"], "binaries": ours["binaries"],
            "peak_mb": round(ours["max_rss_mb"], 1)})
        for term in TERMS:
            row[term] = ours["terms"][term][0]
            row[term + "_bound"] = ours["terms"][term][1]
            row[term + "_gap"] = round(ours["terms"][term][2], 6)  # the library's own rule
    else:
        row["status"] = "crashed or overran"
    if reference:
        ref = run_child(REFERENCE_CHILD.format(size=size, seed=seed, time_limit=time_limit,
                                               **paths), time_limit * 4 + 300)
        if ref:
            row["cbc_status"] = ref["status"]
            row["cbc_s"] = round(ref["seconds"], 3)
            for term in TERMS:
                row["cbc_" + term] = ref["terms"][term]
            if ours:
                row["time_ratio"] = round(ref["seconds"] / max(ours["seconds"], 1e-9), 2)
                # ratio > 1: staffpool's term is lower (better) than CBC's
                if ref["terms"]["unmet"] is not None:  # None: CBC found no plan in the time
                    row["unmet_ratio"] = round(ref["terms"]["unmet"] / max(ours["terms"]["unmet"][0], 1e-9), 4)
        else:
            row["cbc_status"] = "crashed or overran"
    return row


def show(rows: List[Dict[str, object]]) -> None:
    columns = ["size", "seed", "status", "total_s", "cpu_s", "gap", "unmet_gap", "fairness_gap",
               "resilience_gap", "cost_gap", "unmet", "peak_mb", "cbc_status", "cbc_s", "cbc_unmet", "time_ratio", "unmet_ratio"]
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
        return "" if v is None else str(v)
    table = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(t[i]) for t in table)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    for t in table:
        print("  ".join(v.ljust(w) for v, w in zip(t, widths)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S M L", help="space-separated, of S M L XL")
    parser.add_argument("--seeds", type=int, default=1, help="seeds per size (medians: use 3+)")
    parser.add_argument("--no-reference", action="store_true", help="skip PuLP+CBC")
    parser.add_argument("--out", default=os.path.join(HERE, "results", "alloc.csv"))
    args = parser.parse_args()
    rows = []
    stamp = datetime.datetime.now().isoformat(timespec="seconds")
    for size in args.sizes.split():
        if size not in SETTINGS:
            parser.error(f"unknown size {size!r}")
        for seed in range(1, args.seeds + 1):
            row = compare(size, seed, not args.no_reference)
            row.update({"when": stamp, "machine": platform.node(), "cpus": os.cpu_count()})
            rows.append(row)
            show([row])
            sys.stdout.flush()
    print()
    show(rows)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    fields = sorted({k for r in rows for k in r})
    new_file = not os.path.exists(args.out)
    if not new_file:
        with open(args.out, newline="") as f:
            old_fields = next(csv.reader(f), [])
        if old_fields != fields:
            args.out = args.out.replace(".csv", f"-{stamp.replace(':', '')}.csv")
            new_file = True
    with open(args.out, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        if new_file:
            writer.writeheader()
        writer.writerows(rows)
    print(f"\nwritten to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
