"""Analysis subcommands of the `staffpool` command (docs/economics.md):

    staffpool report DB --economics [--agreements FILE] [--fixed-share F] [--tolerance T]
    staffpool resilience DB [--top K]
    staffpool scenario DB --withdraw PARTNER ... | --grow [PARTNER:]SKILL=PCT ...

each with --json, --time-limit S (per solve), --gap G, --workers N (process pool) and --dask
ADDRESS (run the solves on a Dask scheduler instead). They read the current pool from the database
(read-only, closed before solving) and re-solve it; nothing is written.

cli.py registers them (see `add_subcommands`, `add_report_options`, `COMMANDS`,
`cmd_report_economics`); until then `python3 -m staffpool.cli_analysis ...` runs them on their own,
with the same exit codes as `staffpool`.
"""
from __future__ import annotations

import argparse
import math
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional, Sequence, Tuple

from .errors import StaffpoolError, ValidationError

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_BUSY, EXIT_NO_DB = 0, 1, 2, 3, 4, 5


# ---- arguments ---------------------------------------------------------------------------------

def _has(parser: argparse.ArgumentParser, option: str) -> bool:
    return option in parser._option_string_actions  # noqa: SLF001 (argparse has no public query)


def _analysis_options(p: argparse.ArgumentParser) -> None:
    """Options every analysis needs; an option the parser already has is left as it is."""
    if not _has(p, "--time-limit"):
        p.add_argument("--time-limit", type=float, default=60.0, metavar="S",
                       help="seconds per solve (default 60; each solve's status and gap are "
                            "reported)")
    if not _has(p, "--gap"):
        p.add_argument("--gap", type=float, default=1e-6, metavar="G",
                       help="relative gap per objective stage (default 1e-6)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="solves in parallel in a process pool (default: the CPU count)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="run the solves on this Dask scheduler (e.g. tcp://host:8786) instead")


def add_subcommands(subparsers: Any, parents: Sequence[argparse.ArgumentParser]) -> None:
    """Adds `resilience` and `scenario` to cli.py's subparsers; ``parents``: its parser with DB,
    --busy-timeout, --json, -q and -v."""
    parents = list(parents)
    p = subparsers.add_parser(
        "resilience", parents=parents, help="N-1 absences and fragile cover (re-solves)",
        description="For each person (or the K most relied upon), re-solves the pool with them "
                    "absent all horizon: extra unmet demand by priority and partner, a "
                    "resilience score per partner with its worst cases, and the partners and "
                    "skills whose cover rests on one or two people.")
    p.add_argument("--top", type=int, default=None, metavar="K",
                   help="only the K people the plan relies on most (default: everyone)")
    _analysis_options(p)
    p = subparsers.add_parser(
        "scenario", parents=parents, help="a partner withdraws, or demand grows (re-solves)",
        description="--withdraw PARTNER: removes the partner's staff and demand and re-solves: "
                    "what the others lose, what the partner faces alone, costs re-shared. "
                    "--grow [PARTNER:]SKILL=PCT: demand for SKILL ('all' for every skill) "
                    "grows by PCT percent. Options may be repeated; every scenario is compared "
                    "with the unchanged pool.")
    p.add_argument("--withdraw", action="append", default=[], metavar="PARTNER")
    p.add_argument("--grow", action="append", default=[], metavar="[PARTNER:]SKILL=PCT")
    p.add_argument("--agreements", default=None, metavar="FILE",
                   help="sharing agreements, JSON (docs/economics.md; default: the agreements "
                        "stored in the database, else a usage split)")
    _analysis_options(p)


def add_report_options(report_parser: argparse.ArgumentParser) -> None:
    """Adds --economics and its options to cli.py's `report` parser."""
    report_parser.add_argument(
        "--economics", action="store_true",
        help="re-solve the stored pool and show each partner's cost under each sharing rule, "
             "the agreements' shares and the value of pooling (each partner alone vs pooled)")
    report_parser.add_argument("--agreements", default=None, metavar="FILE",
                               help="with --economics: sharing agreements, JSON "
                                    "(docs/economics.md; default: the agreements stored in the "
                                    "database, else a usage split)")
    report_parser.add_argument("--fixed-share", type=float, default=0.3, metavar="F",
                               help="with --economics: fixed part of the fixed+variable rule "
                                    "(default 0.3, split by population)")
    report_parser.add_argument("--tolerance", type=float, default=0.03, metavar="T",
                               help="with --economics: re-balancing tolerance for the rule "
                                    "comparison (default 0.03)")
    _analysis_options(report_parser)


# ---- helpers -----------------------------------------------------------------------------------

def _load_pool(args: argparse.Namespace) -> Any:
    return _load(args)[0]


def _load(args: argparse.Namespace) -> Tuple[Any, Any, str]:
    """(pool, agreements, where the agreements came from): the --agreements FILE when given,
    else the agreements stored in the database, else None (one usage split of every skill)."""
    from .economics import parse_agreements
    from .store import Store

    override = getattr(args, "agreements", None)
    agreements = parse_agreements(override) if override else None
    with Store(args.db, readonly=True, busy_timeout=args.busy_timeout) as store:
        pool = store.load_pool()
        if agreements is None:
            stored = store.agreements()
            if stored:
                return pool, stored, "database"
    return pool, agreements, ("file " + override) if override else "default (usage split)"


@contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    if not getattr(args, "dask", None):
        yield None
        return
    try:
        from dask.distributed import Client
    except ImportError:  # pragma: no cover - python3-distributed is a dependency
        raise StaffpoolError("--dask needs Dask (Debian: python3-distributed)") from None
    client = Client(args.dask)
    try:
        yield client
    finally:
        client.close()


def _sweep_args(args: argparse.Namespace, client: Any) -> dict:
    return {"time_limit": args.time_limit, "gap": args.gap, "client": client,
            "max_workers": args.workers}


def _records(frame: Any) -> list:
    out = []
    for r in frame.to_dict("records"):
        out.append({k: _clean(v) for k, v in r.items()})
    return out


def _clean(v: Any) -> Any:
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _table(frame: Any, columns: Sequence[str], headers: Optional[Sequence[str]] = None,
           formats: Optional[dict] = None) -> str:
    from .report import table

    formats = formats or {}
    rows = []
    for r in frame[list(columns)].itertuples(index=False):
        row = []
        for c, v in zip(columns, r):
            v = _clean(v)
            row.append(formats[c](v) if c in formats and v is not None else v)
        rows.append(row)
    return table(list(headers or columns), rows)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def _money(v: float) -> str:
    return f"{v:,.0f}"


def _base_ok(status: str) -> None:
    if status not in ("optimal", "feasible"):
        raise LookupError(f"no plan for the unchanged pool ({status}): nothing to compare "
                          f"(try a longer --time-limit)")


# ---- subcommands -------------------------------------------------------------------------------

def cmd_report_economics(args: argparse.Namespace, out: Any) -> int:
    """`staffpool report DB --economics`."""
    from .economics import (compare_rules, cost_shares, parse_agreements, partner_totals,
                            value_of_pooling)
    from .scenarios import alone, base, sweep

    pool, agreements, source = _load(args)
    data = pool.to_dict()
    partners = [p["id"] for p in data["partners"]
                if any(d["partner"] == p["id"] for d in data["demand"])]
    out.progress(f"solving the pooled plan and {len(partners)} partners alone")
    with _client(args) as client:
        digests = sweep(data, [base()] + [alone(p) for p in partners], **_sweep_args(args, client))
    pooled = digests[0]
    _base_ok(pooled["status"])
    rules = compare_rules(pooled, data, fixed_share=args.fixed_share, tolerance=args.tolerance)
    shares = cost_shares(pooled, data, agreements)
    totals = partner_totals(shares)
    value = value_of_pooling(data, agreements, digests=digests)
    out.json({"pooled": {"status": pooled["status"], "gap": pooled["gap"],
                         "stopped_by": pooled["stopped_by"]},
              "rules": _records(rules), "agreements": [a.to_dict() for a in
                                                       parse_agreements(agreements)],
              "agreements_source": source,
              "shares": _records(shares), "partner_totals": _records(totals),
              "value_of_pooling": _records(value)})
    total = rules["cost_usage"].sum()
    text = [f"Economics of the pooled plan ({pooled['status']}"
            + ("" if pooled["status"] == "optimal" else f", gap {pooled['gap']:.2%}")
            + f"): cost {total:,.2f} (pay and travel of the hours received)",
            "", f"Cost per partner under each rule (fixed+variable: {args.fixed_share:.0%} by "
                f"population, the rest by usage; tolerance {args.tolerance:.1%})",
            _table(rules, ["partner", "hours_received", "usage_share", "cost_population",
                           "cost_equal", "cost_usage", "cost_fixed_variable"],
                   ["partner", "hours recv", "usage", "population", "equal", "usage",
                    "fixed+var"],
                   {"usage_share": _pct, "cost_population": _money, "cost_equal": _money,
                    "cost_usage": _money, "cost_fixed_variable": _money}),
            "Usage-based rules charge the split agreed on the hours demanded unless actual use "
            "moves a share past the tolerance: " + "; ".join(
                f"{rule}: largest move {rules[f'deviation_{rule}'].iloc[0]:.1%}, "
                + ("re-balanced to actual use" if rules[f"rebalanced_{rule}"].iloc[0]
                   else "agreed split stands")
                for rule in ("usage", "fixed_variable")) if len(rules) else "",
            "", f"Agreements ({source}): " + "; ".join(
                f"{a} ({r}; largest move from the agreed split {dev:.1%}, tolerance {tol:.1%}: "
                f"{'re-balanced' if rb else 'agreed split stands'})"
                for a, r, dev, tol, rb in shares.drop_duplicates("agreement")[
                    ["agreement", "rule", "max_deviation", "tolerance",
                     "rebalanced"]].itertuples(index=False)),
            _table(totals, ["partner", "cost_borne", "hours_received", "cost_per_hour",
                            "usage_cost", "difference_from_usage"],
                   ["partner", "cost borne", "hours recv", "per hour", "usage split",
                    "diff from usage"],
                   {"cost_borne": _money, "usage_cost": _money,
                    "difference_from_usage": _money, "cost_per_hour": lambda v: f"{v:,.2f}"}),
            "", "Value of pooling: each partner alone (own staff only) vs pooled",
            _table(value, ["partner", "status_alone", "hours_unmet_alone", "hours_unmet_pooled",
                           "unmet_statutory_alone", "unmet_statutory_pooled", "cost_alone",
                           "cost_borne_pooled", "people_alone", "people_pooled",
                           "single_person_pairs_alone", "single_person_pairs_pooled",
                           "uncovered_pairs_alone", "uncovered_pairs_pooled"],
                   ["partner", "alone", "unmet alone", "unmet pooled", "stat alone",
                    "stat pooled", "cost alone", "borne pooled", "ppl alone", "ppl pooled",
                    "1-person alone", "1-person pooled", "uncovered alone", "uncovered pooled"],
                   {"cost_alone": _money, "cost_borne_pooled": _money})]
    out.result("\n".join(text))
    return EXIT_OK


def cmd_resilience(args: argparse.Namespace, out: Any) -> int:
    """`staffpool resilience DB [--top K]`."""
    from .resilience import n_minus_1
    from .scenarios import base, sweep

    pool = _load_pool(args)
    data = pool.to_dict()
    out.progress("solving the unchanged pool")
    base_digest = sweep(data, [base()], time_limit=args.time_limit, gap=args.gap,
                        max_workers=1)[0]
    _base_ok(base_digest["status"])
    n = args.top if args.top is not None else len(data["staff"])
    out.progress(f"re-solving with each of {n} people absent")
    with _client(args) as client:
        a = n_minus_1(data, top=args.top, base_digest=base_digest, **_sweep_args(args, client))
    out.json(a.to_dict())
    statuses = a.people["status"].value_counts().to_dict() if len(a.people) else {}
    people = a.people.head(15)
    text = [f"N-1: {len(a.people)} absences re-solved ("
            + ", ".join(f"{v} {k}" for k, v in statuses.items())
            + f"), against the unchanged plan ({base_digest['status']})",
            "", "Resilience score per partner (1 = no single absence leaves more demand unmet)",
            _table(a.scores, ["partner", "score", "absences_hurting", "worst_extra_unmet_hours",
                              "worst_extra_statutory", "single_person_pairs", "worst_cases"],
                   ["partner", "score", "hurting", "worst +h", "worst +stat", "1-person",
                    "worst cases"], {"score": lambda v: f"{v:.3f}"}),
            "", "Worst absences",
            _table(people, ["staff", "partner", "reliance", "extra_unmet_hours",
                            "extra_unmet_statutory", "extra_unmet_core",
                            "extra_unmet_discretionary", "worst_partner", "status"],
                   ["staff", "home", "reliance", "+unmet h", "+statutory", "+core",
                    "+discr", "worst hit", "status"]) if len(people) else "(none)",
            "", "Cover resting on one or two people",
            _table(a.fragile, ["partner", "skill", "distinct_people", "people",
                               "hours_received", "largest_share"],
                   ["partner", "skill", "people", "who", "hours recv", "largest share"],
                   {"largest_share": _pct}) if len(a.fragile) else "(none)"]
    out.result("\n".join(text))
    return EXIT_OK


def parse_grow(text: str) -> dict:
    """``[PARTNER:]SKILL=PCT`` as a grow scenario."""
    from .scenarios import grow

    target, sep, pct = text.partition("=")
    partner, _, skill = target.rpartition(":")
    try:
        value = float(pct)
    except ValueError:
        value = math.nan
    if not sep or not skill or not math.isfinite(value):
        raise ValidationError(f"--grow {text!r}: expected [PARTNER:]SKILL=PCT, e.g. noise=10",
                              "scenario", "grow")
    return grow(skill, value, partner or None)


def cmd_scenario(args: argparse.Namespace, out: Any) -> int:
    """`staffpool scenario DB --withdraw PARTNER | --grow [PARTNER:]SKILL=PCT`."""
    from .resilience import withdrawal
    from .scenarios import base, compare_to_base, digests_to_frame, sweep

    if not args.withdraw and not args.grow:
        raise ValidationError("scenario: give --withdraw PARTNER or --grow SKILL=PCT",
                              "scenario", "withdraw")
    grows = [parse_grow(g) for g in args.grow]
    pool, agreements, source = _load(args)
    data = pool.to_dict()
    result: dict = {"withdrawals": [], "growth": [], "agreements_source": source}
    text: List[str] = []
    with _client(args) as client:
        for partner in args.withdraw:
            out.progress(f"re-solving without {partner}")
            w = withdrawal(data, partner, agreements, **_sweep_args(args, client))
            _base_ok(w.statuses["pooled"]["status"])
            result["withdrawals"].append(w.to_dict())
            text += [f"{partner} withdraws (solves: " + ", ".join(
                f"{k} {v['status']}" + ("" if v["status"] == "optimal" else
                                        f" gap {v['gap']:.2%}")
                for k, v in w.statuses.items()) + ")", "",
                "What the others lose (negative: they gain)",
                _table(w.others, ["partner", "hours_unmet_before", "hours_unmet_after",
                                  "unmet_statutory_change", "unmet_core_change",
                                  "unmet_discretionary_change", "people_change",
                                  "single_person_pairs_change"],
                       ["partner", "unmet before", "unmet after", "+statutory", "+core",
                        "+discr", "+people", "+1-person pairs"]),
                "", f"What {partner} faces alone (its own staff, its own demand)",
                _table(w.alone, ["metric", "pooled", "alone", "change"]),
                "", "Costs re-shared under the agreements"
                    + f" ({source})",
                _table(w.costs, ["partner", "cost_borne_before", "cost_borne_after",
                                 "cost_change", "cost_per_hour_before", "cost_per_hour_after"],
                       ["partner", "before", "after", "change", "per hour before",
                        "per hour after"],
                       {"cost_borne_before": _money, "cost_borne_after": _money,
                        "cost_change": _money, "cost_per_hour_before": lambda v: f"{v:,.2f}",
                        "cost_per_hour_after": lambda v: f"{v:,.2f}"}), ""]
        if grows:
            out.progress(f"solving {len(grows)} growth scenarios")
            digests = sweep(data, [base()] + grows, **_sweep_args(args, client))
            _base_ok(digests[0]["status"])
            frame = compare_to_base(digests_to_frame(digests))
            result["growth"] = _records(frame)
            for g in grows:
                part = frame[frame["scenario"] == g["name"]]
                st = part["status"].iloc[0]
                text += [f"{g['name']} ({st}" + ("" if st == "optimal" else
                                                 f", gap {part['gap'].iloc[0]:.2%}") + ")",
                         _table(part, ["partner", "hours_demanded", "hours_unmet",
                                       "hours_unmet_change", "unmet_statutory_change",
                                       "unmet_core_change", "cost_change"],
                                ["partner", "demand h", "unmet h", "+unmet", "+statutory",
                                 "+core", "+cost"], {"cost_change": _money}), ""]
    out.json(result)
    out.result("\n".join(text).rstrip())
    return EXIT_OK


COMMANDS = {"resilience": cmd_resilience, "scenario": cmd_scenario}
