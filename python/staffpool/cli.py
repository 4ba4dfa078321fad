"""The `staffpool` command: plans pooled specialist staff from a SQLite database (docs/cli.md).

Subcommands: init, import, validate, plan, redeploy, report, export, runs (the database), and
demo, solve
(a scenario file, no database).

Exit codes: 0 success (for plan: a plan was written); 2 bad input, nothing written; 3 no plan
(infeasible, or stopped without one; the run is recorded); 4 database busy or locked past the
timeout, or its inputs changed during the solve; 5 database missing, unreadable, read-only where a
write is needed, or not a staffpool database; 1 anything else.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from dataclasses import asdict
from typing import Any, List, Optional

from . import __version__, cli_analysis, cli_rota
from .errors import StaffpoolError, ValidationError
from .pool import Pool
from .progress import StderrLines
from .report import solution_summary, table
from .solve import solve
from .values import json_safe

EXIT_PLAN, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_BUSY, EXIT_NO_DB = 0, 1, 2, 3, 4, 5
WRITE_DELAY_ENV = "STAFFPOOL_TEST_WRITE_DELAY_US"  # test hook, docs/cli.md


def _run_arg(text: str) -> int:
    if text == "latest":
        return 0
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a run id or 'latest' (got {text!r})") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="staffpool", description=__doc__.split("\n\n")[0],
        epilog="Exit codes: 0 done (plan written); 2 bad input; 3 no plan; 4 database busy or "
               "inputs changed; 5 database missing, unreadable, read-only or not staffpool's; "
               "1 other errors. See docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"staffpool {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but errors (and --json output)")
    common.add_argument("-v", "--verbose", action="count", default=0,
                        help="progress on stderr (-vv: solver stages, -vvv: all solver output)")
    db_opts = argparse.ArgumentParser(add_help=False, parents=[common])
    db_opts.add_argument("db", metavar="DB", help="database file (or a file: URI)")
    db_opts.add_argument("--busy-timeout", type=float, default=30.0, metavar="S",
                         help="seconds to wait for another job's lock (default 30)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def solve_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--time-limit", type=float, default=None, metavar="S",
                       help="seconds for the whole solve (default: none)")
        p.add_argument("--gap", type=float, default=1e-6, metavar="G",
                       help="relative gap per objective stage (default 1e-6)")

    p = sub.add_parser("init", parents=[db_opts], help="create a new database",
                       description="Creates a new staffpool database at DB (never overwrites).")
    p.add_argument("--demo", action="store_true", help="load the shipped demo pool into it")
    p = sub.add_parser("import", parents=[db_opts], help="replace the pool with CSV files",
                       description="Replaces the pool (every input table) with the CSV files in "
                                   "DIR (docs/schema.md), in one transaction; plans are kept.")
    p.add_argument("dir", metavar="DIR", help="directory with partners.csv, staff.csv, ...")
    sub.add_parser("validate", parents=[db_opts], help="check the database and its pool",
                   description="Checks the database (integrity, foreign keys) and loads its pool "
                               "through the C validation; lists errors by record and field.")
    p = sub.add_parser("plan", parents=[db_opts], help="solve and write a new current plan",
                       description="The nightly job: reads the pool, solves, and writes the plan "
                                   "and its run in one transaction; the plan becomes current only "
                                   "when it is completely written.")
    p.add_argument("--from", dest="first", default=None, metavar="PERIOD",
                   help="first period to plan (index or label; default: the first)")
    p.add_argument("--periods", type=int, default=None, metavar="N",
                   help="number of periods to plan (default: to the last)")
    solve_options(p)
    p = sub.add_parser("redeploy", parents=[db_opts],
                       help="solve and store the redeployment of at-risk staff",
                       description="Reads the redeployment scenarios (docs/schema.md), solves each "
                                   "with no transaction open, and writes each result with its run "
                                   "in one transaction (docs/redeployment.md).")
    p.add_argument("--scenario", default=None, metavar="ID",
                   help="only this scenario (a redeployments.id; default: every scenario)")
    solve_options(p)
    p = sub.add_parser("report", parents=[db_opts], help="show a stored plan",
                       description="Shows a stored plan (default: the current one).")
    p.add_argument("--plan", type=int, default=None, metavar="ID", help="plan id (see `runs`)")
    cli_analysis.add_report_options(p)
    p = sub.add_parser("export", parents=[db_opts], help="write tables or a plan to CSV or .xlsx",
                       description="--format csv: OUT is a directory receiving every input table "
                                   "(the import format), runs.csv and the plan's tables; with "
                                   "--table, OUT is one CSV file ('-' for stdout). --format xlsx: "
                                   "OUT is a workbook of the plan for planners.")
    p.add_argument("--plan", type=int, default=None, metavar="ID",
                   help="plan id (default: the current plan)")
    p.add_argument("--format", choices=("csv", "xlsx"), required=True)
    p.add_argument("--table", default=None, metavar="NAME",
                   help="export only this table (docs/schema.md)")
    p.add_argument("--redeploy", type=_run_arg, default=None, metavar="RUN",
                   help="the redeployment result of run RUN ('latest': the newest): csv adds "
                        "its tables; xlsx writes it instead of the plan")
    p.add_argument("out", metavar="OUT")
    p = sub.add_parser("runs", parents=[db_opts], help="list the run history",
                       description="Lists the recorded runs, newest first.")
    p.add_argument("--limit", type=int, default=20, metavar="N",
                   help="show the N newest runs (default 20; 0: all)")

    cli_analysis.add_subcommands(sub, parents=[db_opts])
    cli_rota.add_subcommands(sub, parents=[db_opts])  # rota, docs/cli.md
    p = sub.add_parser("demo", parents=[common],
                       help="solve the shipped demo pool and print a summary (no database)")
    solve_options(p)
    p = sub.add_parser("solve", parents=[common],
                       help="solve a scenario file (docs/scenario-format.md; no database)")
    p.add_argument("scenario", help="scenario JSON file")
    solve_options(p)
    from . import curtois  # rota engine on a Curtois & Qu instance (docs/rota.md)
    curtois.add_arguments(sub.add_parser("curtois", parents=[common],
                                         help="solve a Curtois & Qu benchmark instance"))
    COMMANDS.setdefault("curtois", lambda args, out: curtois.run(args))
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return _dispatch(args)
    except BrokenPipeError:  # the reader (e.g. `| head`) went away: not an error of ours
        sys.stdout = open(os.devnull, "w")
        return EXIT_PLAN


class _Out:
    """Where messages go: results on stdout, progress and errors on stderr."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.show_progress = not args.quiet and (args.verbose > 0 or sys.stderr.isatty())

    def progress(self, message: str) -> None:
        if self.show_progress:
            print(f"staffpool: {message}", file=sys.stderr, flush=True)

    def error(self, message: str) -> None:
        print(f"staffpool: {message}", file=sys.stderr, flush=True)

    def result(self, text: str) -> None:
        if not self.args.quiet and not self.args.json:
            print(text, flush=True)

    def json(self, data: Any) -> None:
        if self.args.json:
            json.dump(data, sys.stdout, indent=1, default=_json_default)
            print(flush=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, float):
        return None
    return str(value)


def _dispatch(args: argparse.Namespace) -> int:
    from .store import (DatabaseBusyError, InputsChangedError, NotADatabaseError,
                        ReadOnlyDatabaseError)

    out = _Out(args)
    try:
        if args.command in ("demo", "solve"):
            return _solve_file(args, out)
        return COMMANDS[args.command](args, out)
    except ValidationError as e:
        out.error(f"bad input; nothing written:\n{e}" if "\n" in str(e) else
                  f"bad input; nothing written: {e}")
        return EXIT_BAD_INPUT
    except (DatabaseBusyError, InputsChangedError) as e:
        out.error(str(e))
        return EXIT_BUSY
    except (NotADatabaseError, ReadOnlyDatabaseError) as e:
        out.error(str(e))
        return EXIT_NO_DB
    except LookupError as e:
        out.error(str(e.args[0]) if e.args else str(e))
        return EXIT_NO_PLAN
    except BrokenPipeError:
        raise
    except (StaffpoolError, OSError) as e:
        out.error(str(e))
        return EXIT_ERROR
    except KeyboardInterrupt:
        out.error("interrupted")
        return 130


def _open(args: argparse.Namespace, readonly: bool = False) -> Any:
    from .store import Store

    store = Store(args.db, readonly=readonly, busy_timeout=args.busy_timeout)
    delay = os.environ.get(WRITE_DELAY_ENV)
    if delay:
        store.set_write_delay(int(delay))
    return store


def _pool_line(pool: Pool) -> str:
    r = pool.records
    return (f"{len(r('partners'))} partners, {len(r('sites'))} sites, {len(r('staff'))} staff, "
            f"{len(r('skills'))} skills, {pool.periods} periods, {len(r('demand')):,} demand "
            f"records")


# ---- subcommands -------------------------------------------------------------------------------

def _cmd_init(args: argparse.Namespace, out: _Out) -> int:
    from .store import Store

    from .economics import demo_agreements
    from .redeploy import Redeployment

    pool = Pool.demo() if args.demo else None
    with Store.create(args.db) as store:
        if pool is not None:
            store.save_pool(pool)
            store.save_redeployment(Redeployment.demo(), "demo")
            store.save_agreements(demo_agreements())
            cli_rota.init_demo(store)
    out.result(f"created {args.db}" + (f" with the demo pool: {_pool_line(pool)}, its sharing "
                                       "agreements (`staffpool report --economics`) and the "
                                       "demo reorganisation (`staffpool redeploy`)" if pool else
                                       " (empty: `staffpool import` a pool next)"))
    out.json({"database": args.db, "demo": bool(args.demo)})
    return EXIT_PLAN


def _cmd_import(args: argparse.Namespace, out: _Out) -> int:
    from .csvio import (csv_location, has_agreements, has_redeployment, read_agreements,
                        read_pool, read_redeployment)

    with _open(args) as store:  # first: a wrong database path is exit 5, not a CSV error
        out.progress(f"reading CSV files from {args.dir}")
        pool = read_pool(args.dir)
        redeploy = read_redeployment(args.dir) if has_redeployment(args.dir) else None
        agreements = read_agreements(args.dir, pool) if has_agreements(args.dir) else None
        rota = cli_rota.read_rota_csv(args.dir, pool)  # rota_*.csv, when given
        with store.import_batch():  # all of it or, on any error, none of it
            out.progress("saving the pool")
            store.save_pool(pool)
            if redeploy is not None:
                out.progress("saving the redeployment scenarios")
                try:
                    store.save_redeployment_rows(redeploy[0])
                except ValidationError as e:
                    raise ValidationError(csv_location(str(e), redeploy[1]), e.record,
                                          e.field) from None
            if agreements is not None:
                out.progress("saving the sharing agreements")
                store.save_agreements(agreements)
            if rota is not None:
                out.progress("saving the rota inputs")
                cli_rota.save_rota_csv(store, rota)
    out.result(f"imported {args.dir} into {args.db}: {_pool_line(pool)}")
    out.json({"database": args.db, "imported": args.dir,
              **{k: len(pool.records(k)) for k in ("partners", "sites", "skills", "staff",
                                                   "availability", "demand", "resilience")}})
    return EXIT_PLAN


def _cmd_validate(args: argparse.Namespace, out: _Out) -> int:
    with _open(args, readonly=True) as store:
        out.progress("checking the database")
        store.check()
        out.progress("loading the pool")
        pool = store.load_pool()
    out.result(f"{args.db}: ok: {_pool_line(pool)}")
    out.json({"database": args.db, "ok": True, "periods": pool.periods,
              **{k: len(pool.records(k)) for k in ("partners", "sites", "skills", "staff",
                                                   "availability", "demand", "resilience")}})
    return EXIT_PLAN


def _cmd_plan(args: argparse.Namespace, out: _Out) -> int:
    command = "plan"
    for flag, value in (("--from", args.first), ("--periods", args.periods),
                        ("--time-limit", args.time_limit)):
        if value is not None:
            command += f" {flag} {shlex.quote(str(value))}"
    if args.gap != 1e-6:
        command += f" --gap {args.gap}"
    started = time.monotonic()
    with _open(args) as store:
        result = store.plan(first_period=args.first, periods=args.periods,
                            time_limit=args.time_limit, gap=args.gap,
                            log_level=args.verbose if args.verbose > 1 else 0,
                            command=command, progress=out.progress,
                            watch=StderrLines(every=5.0) if out.show_progress else False)
    total = time.monotonic() - started
    data = {"run": result.run_id, "plan": result.plan_id, "status": result.status,
            "stopped_by": result.stopped_by, "gap": result.gap,
            "solve_seconds": result.solve_seconds, "write_seconds": result.write_seconds,
            "seconds": total, "input_hash": result.input_hash,
            "first_period": result.first_period, "periods": result.periods}
    if result.solution is not None:
        sol = result.solution
        data["objective"] = {k: asdict(t) for k, t in sol.objective.terms.items()}
        data["partners"] = [asdict(p) for p in sol.partners]
        data["hours_unmet"] = sum(p.hours_unmet for p in sol.partners)
        data["hours_demanded"] = sum(p.hours_demanded for p in sol.partners)
    out.json(json_safe(data))
    if result.has_plan:
        sol = result.solution
        assert sol is not None
        demanded = sum(p.hours_demanded for p in sol.partners)
        unmet = sum(p.hours_unmet for p in sol.partners)
        statutory = sum(p.unmet_statutory for p in sol.partners)
        gap = "" if result.status == "optimal" else f", gap {result.gap:.2%}"
        stopped = f" (stopped by {result.stopped_by.replace('_', ' ')})" if result.stopped_by \
            else ""
        out.result(
            f"plan {result.plan_id} written and current: {result.status}{stopped}{gap}; solve "
            f"{result.solve_seconds:.2f} s, write {result.write_seconds:.3f} s\n"
            f"periods {result.first_period}..{result.first_period + result.periods - 1}: "
            f"{unmet:,.1f} h unmet of {demanded:,.1f} h "
            f"({unmet / demanded if demanded else 0:.1%}), statutory unmet {statutory:,.1f} h, "
            f"cost {sum(p.cost for p in sol.partners):,.0f}; {len(sol.assignments):,} "
            f"assignments\n`staffpool report {args.db}` shows it")
        return EXIT_PLAN
    out.error(f"no plan: {result.status}"
              + (f" (stopped by {result.stopped_by.replace('_', ' ')})" if result.stopped_by
                 else "") + f"; run {result.run_id} recorded, the current plan is unchanged")
    return EXIT_NO_PLAN


def _partner_names(store: Any) -> Any:
    class Names:
        def __init__(self, rows: list) -> None:
            self.rows = rows

        def records(self, kind: str) -> list:
            return self.rows if kind == "partners" else []

    return Names([{"id": r["id"], "name": r["name"] or r["id"]}
                  for r in store.records("partners")])


def _cmd_report(args: argparse.Namespace, out: _Out) -> int:
    if args.economics:
        return cli_analysis.cmd_report_economics(args, out)
    with _open(args, readonly=True) as store:
        plan_id = args.plan if args.plan is not None else store.current_plan()
        if plan_id is None:
            raise LookupError(f"{args.db}: no plan yet (run `staffpool plan {args.db}`)")
        sol = store.plan_solution(plan_id)
        run = next((r for r in store.runs() if r["id"] == plan_id), {})
        current = store.current_plan()
        names = _partner_names(store)
    out.json(json_safe({"plan": plan_id, "current": plan_id == current, "run": run,
                     "status": sol.status, "stopped_by": sol.stopped_by, "gap": sol.gap,
                     "seconds": sol.seconds,
                     "objective": {k: asdict(t) for k, t in sol.objective.terms.items()},
                     "partners": [asdict(p) for p in sol.partners],
                     "unmet": [asdict(u) for u in sol.unmet],
                     "resilience": [asdict(r) for r in sol.resilience],
                     "assignments": [asdict(a) for a in sol.assignments]}))
    out.result(f"Plan {plan_id}{' (current)' if plan_id == current else ''}: run "
               f"{run.get('started_at', '?')}, `{run.get('command', '?')}`, inputs sha256 "
               f"{(run.get('input_hash') or '?')[:16]}, staffpool {run.get('library_version')}\n"
               + solution_summary(sol, names))
    return EXIT_PLAN


def _cmd_export(args: argparse.Namespace, out: _Out) -> int:
    from . import csvio
    from .store import PLAN_TABLES, REDEPLOY_RESULT_TABLES

    with _open(args, readonly=True) as store:
        plan_id = args.plan if args.plan is not None else store.current_plan()
        if args.plan is not None and not store.records("plans", args.plan):
            raise LookupError(f"{args.db}: no plan {args.plan}")
        run_id = None
        if args.redeploy is not None:
            run_id = args.redeploy or store.latest_redeploy_run()
            if run_id is None or not store.redeploy_results(run_id):
                raise LookupError(f"{args.db}: no redeployment result"
                                  + (f" for run {args.redeploy}" if args.redeploy else
                                     f" (run `staffpool redeploy {args.db}`)"))
        if args.format == "xlsx" and run_id is not None:
            if args.table:
                raise ValidationError("export: --table: only with --format csv", "export",
                                      "table")
            out.progress(f"writing redeployment run {run_id} to {args.out}")
            csvio.export_redeploy_xlsx(store, args.out, run_id)
            written = [args.out]
        elif args.format == "xlsx":
            if args.table:
                raise ValidationError("export: --table: only with --format csv", "export",
                                      "table")
            if plan_id is None:
                raise LookupError(f"{args.db}: no plan to export (run `staffpool plan`)")
            out.progress(f"writing plan {plan_id} to {args.out}")
            csvio.export_xlsx(store, args.out, plan_id)
            written = [args.out]
        elif args.table:
            if args.table not in store.tables():
                raise ValidationError(f"export: --table: unknown table {args.table!r} (one of "
                                      f"{', '.join(store.tables())})", "export", "table")
            is_plan = args.table in PLAN_TABLES or args.table == "plans"
            is_result = args.table in REDEPLOY_RESULT_TABLES
            if is_result and run_id is None:
                run_id = store.latest_redeploy_run() or 0
            columns, rows = store.rows(args.table, plan_id if is_plan else
                                       run_id if is_result else None)
            csvio.write_csv(args.out, columns, rows)
            written = [args.out]
        else:
            written = csvio.export_csv_dir(store, args.out, plan_id, run_id)
    if args.out != "-":
        out.result("wrote " + ", ".join(written))
        out.json({"plan": plan_id, "redeploy_run": run_id, "files": written})
    return EXIT_PLAN


def _cmd_runs(args: argparse.Namespace, out: _Out) -> int:
    with _open(args, readonly=True) as store:
        runs = store.runs()
        current = store.current_plan()
    runs = runs[::-1][:args.limit] if args.limit > 0 else runs[::-1]
    out.json(json_safe([dict(r, current=r["id"] == current) for r in runs]))
    if not runs:
        out.result(f"{args.db}: no runs yet")
        return EXIT_PLAN
    out.result(table(
        ["run", "started (UTC)", "command", "status", "gap", "solve s", "current", "message"],
        [(r["id"], (r["started_at"] or "")[:19], r["command"], r["status"],
          "" if r["gap"] is None else f"{r['gap']:.2%}",
          "" if r["seconds"] is None else f"{r['seconds']:.2f}",
          "*" if r["id"] == current else "", r["message"] or "") for r in runs]))
    return EXIT_PLAN


def _cmd_redeploy(args: argparse.Namespace, out: _Out) -> int:
    command = "redeploy"
    for flag, value in (("--scenario", args.scenario), ("--time-limit", args.time_limit)):
        if value is not None:
            command += f" {flag} {shlex.quote(str(value))}"
    if args.gap != 1e-6:
        command += f" --gap {args.gap}"
    with _open(args) as store:
        runs = store.redeploy(scenario=args.scenario, time_limit=args.time_limit, gap=args.gap,
                              log_level=args.verbose if args.verbose > 1 else 0,
                              command=command, progress=out.progress)
    data = []
    for r in runs:
        res = r.result
        data.append({"run": r.run_id, "redeployment": r.redeployment, "name": res.name,
                     "status": res.status, "stopped_by": res.stopped_by, "gap": res.gap,
                     "seconds": res.seconds, "write_seconds": r.write_seconds,
                     "input_hash": r.input_hash, "written": r.has_plan,
                     "totals": res.totals.as_dict() if res.has_plan else None,
                     "objective": {k: asdict(t) for k, t in res.objective.terms.items()},
                     "reasons": res.reasons(),
                     "outcomes": [asdict(o) for o in res.outcomes],
                     "vacancies": [asdict(f) for f in res.vacancies],
                     "pool_work": [asdict(w) for w in res.pool_work]})
    out.json(json_safe({"runs": data}))
    for r in runs:
        if r.has_plan:
            out.result(f"redeployment {r.redeployment!r}: run {r.run_id} written\n"
                       + r.result.summary())
        else:
            out.error(f"redeployment {r.redeployment!r}: no result ({r.status}"
                      + (f", stopped by {r.result.stopped_by.replace('_', ' ')}"
                         if r.result.stopped_by else "") + f"); run {r.run_id} recorded")
    return EXIT_PLAN if all(r.has_plan for r in runs) else EXIT_NO_PLAN


COMMANDS: dict = {"init": _cmd_init, "import": _cmd_import, "validate": _cmd_validate,
                  "plan": _cmd_plan, "redeploy": _cmd_redeploy, "report": _cmd_report, "export": _cmd_export,
                  "runs": _cmd_runs}
COMMANDS.update(cli_analysis.COMMANDS)
COMMANDS.update(cli_rota.COMMANDS)


def _solve_file(args: argparse.Namespace, out: _Out) -> int:
    """`demo` and `solve SCENARIO.json`: solve without a database."""
    try:
        pool = Pool.demo() if args.command == "demo" else Pool.from_json(args.scenario)
    except (FileNotFoundError, IsADirectoryError) as e:
        raise ValidationError(str(e)) from None
    sol = solve(pool, time_limit=args.time_limit, gap=args.gap,
                log_level=1 + args.verbose if args.verbose else 0)
    if args.json:
        out.json(json_safe({"status": sol.status, "stopped_by": sol.stopped_by, "gap": sol.gap,
                         "seconds": sol.seconds,
                         "objective": {k: asdict(t) for k, t in sol.objective.terms.items()},
                         "partners": [asdict(p) for p in sol.partners],
                         "unmet": [asdict(u) for u in sol.unmet],
                         "resilience": [asdict(r) for r in sol.resilience],
                         "assignments": [asdict(a) for a in sol.assignments]}))
    else:
        out.result(f"staffpool {__version__}: {pool.name or 'scenario'}\n"
                   f"Pool: {_pool_line(pool)}\n" + solution_summary(sol, pool))
    return EXIT_PLAN if sol.has_plan else EXIT_NO_PLAN
