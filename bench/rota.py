"""Rota engine on the Curtois & Qu benchmark (issue 5): solves a chosen set of instances with a
time limit and prints objective, best known, gap to it, status and time; every roster is checked by
the independent evaluator of the tests (tests/python/curtois_eval.py).

    make bench-rota INSTANCES="1 2 3" TIME_LIMIT=60
    python3 bench/rota.py --instances "1 2 3 4" --time-limit 60 [--bench-dir DIR]
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

import curtois_eval  # noqa: E402
from staffpool.curtois import solve_file, write_roster  # noqa: E402

DEFAULT_DIR = os.path.join(ROOT, "..", "shared", "benchmarks", "curtois")


def best_known(bench_dir: str) -> dict:
    """UB column of BEST_KNOWN.md's first table: instance -> value (None when not given)."""
    out = {}
    try:
        with open(os.path.join(bench_dir, "BEST_KNOWN.md"), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return out
    for m in re.finditer(r"^\| (\d+) \| ([^|]*)\| ([^|]*)\|", text, re.M):
        ub = m.group(3).strip()
        if int(m.group(1)) not in out:
            out[int(m.group(1))] = int(ub) if ub.isdigit() else None
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", default="1 2 3 4")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--bench-dir", default=DEFAULT_DIR)
    args = ap.parse_args()
    if not os.path.isdir(args.bench_dir):
        print(f"bench-rota: {args.bench_dir} not found (the instances are not in this repository)",
              file=sys.stderr)
        return 2
    known = best_known(args.bench_dir)
    print(f"{'inst':>4} {'objective':>10} {'best':>7} {'gap%':>7} {'bound':>8} {'status':<9} "
          f"{'time s':>7}  evaluator")
    failed = 0
    for name in args.instances.split():
        path = os.path.join(args.bench_dir, f"Instance{int(name)}.txt")
        inst, result = solve_file(path, time_limit=args.time_limit)
        best = known.get(int(name))
        if result.objective is None:
            print(f"{name:>4} {'-':>10} {best or '-':>7} {'-':>7} {'-':>8} {result.status:<9} "
                  f"{result.seconds:7.1f}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            csv_path = os.path.join(tmp, "roster.csv")
            write_roster(csv_path, result)
            bad, objective, _ = curtois_eval.evaluate(path, csv_path)
        check = "ok" if not bad and objective == result.objective else \
            f"MISMATCH ({len(bad)} violations, evaluator {objective})"
        failed += check != "ok"
        gap = f"{100.0 * (result.objective - best) / best:7.2f}" if best else f"{'-':>7}"
        bound = result.bound + 0.0  # a bound of -0 prints as 0
        print(f"{name:>4} {result.objective:10.0f} {best or '-':>7} {gap} {bound:8.0f} "
              f"{result.status:<9} {result.seconds:7.1f}  {check}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
