"""The `staffpool` command. Subcommands so far: `demo` and `solve SCENARIO.json`.

Exit codes: 0 a plan was found; 2 bad input; 3 no plan (infeasible, or stopped without one);
1 anything else. Output goes to stdout; GLPK's log (with -v) to stderr.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import List, Optional

from . import __version__
from .errors import StaffpoolError, ValidationError
from .pool import Pool
from .report import solution_summary
from .solve import solve

EXIT_PLAN, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_NO_PLAN = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="staffpool", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"staffpool {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def solve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--time-limit", type=float, default=None, metavar="S",
                       help="seconds for the whole solve (default: none)")
        p.add_argument("--gap", type=float, default=1e-6, help="relative gap per stage")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("-v", "--verbose", action="count", default=0,
                       help="solver progress on stderr (-vv: everything)")

    demo = sub.add_parser("demo", help="solve the shipped demo pool and print a summary")
    solve_options(demo)
    run = sub.add_parser("solve", help="solve a scenario file (docs/scenario-format.md)")
    run.add_argument("scenario", help="scenario JSON file")
    solve_options(run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    try:
        return _run(_parser().parse_args(argv))
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error of ours
        sys.stdout = open(os.devnull, "w")
        return EXIT_PLAN


def _run(args: argparse.Namespace) -> int:
    try:
        pool = Pool.demo() if args.command == "demo" else Pool.from_json(args.scenario)
        sol = solve(pool, time_limit=args.time_limit, gap=args.gap,
                    log_level=1 + args.verbose if args.verbose else 0)
    except (ValidationError, FileNotFoundError, IsADirectoryError) as e:
        print(f"staffpool: bad input: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StaffpoolError as e:
        print(f"staffpool: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("staffpool: interrupted", file=sys.stderr)
        return 130
    if args.json:
        json.dump({"status": sol.status, "stopped_by": sol.stopped_by, "gap": sol.gap,
                   "seconds": sol.seconds,
                   "objective": {k: asdict(t) for k, t in sol.objective.terms.items()},
                   "partners": [asdict(p) for p in sol.partners],
                   "unmet": [asdict(u) for u in sol.unmet],
                   "resilience": [asdict(r) for r in sol.resilience],
                   "assignments": [asdict(a) for a in sol.assignments]}, sys.stdout, indent=1)
        print()
    else:
        r = pool.records
        print(f"staffpool {__version__}: {pool.name or 'scenario'}")
        print(f"Pool: {len(r('partners'))} partners, {len(r('staff'))} staff, {len(r('skills'))} "
              f"skills, {pool.periods} periods, {len(r('demand')):,} demand records")
        print(solution_summary(sol, pool))
    return EXIT_PLAN if sol.has_plan else EXIT_NO_PLAN
