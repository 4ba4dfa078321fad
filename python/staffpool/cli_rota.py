"""The `staffpool rota` subcommand (docs/cli.md "rota"): the nightly rota job and the reading of
stored rotas.

    staffpool rota DB --from DATE --days N [--time-limit S] [--gap G] [--freeze-days N]
    staffpool rota DB --show [--rota ID]
    staffpool rota DB --export OUT --format ics|csv [--rota ID]

The first form reads the rota tables and the published rota, solves, and writes the new rota with
its run in one transaction (staffpool.store.Store.rota), with the exit codes of `plan`. --show
prints a stored rota (default: the current one); --export writes one iCalendar file per person
(OUT is a directory) or the rota's tables as CSV. cli.py registers the subcommand
(`add_subcommands`, `COMMANDS`) and calls `init_demo` from `init --demo`, and `read_rota_csv` and
`save_rota_csv` from `import`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .errors import ValidationError
from .progress import StderrLines
from .values import json_safe

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT, EXIT_NO_PLAN, EXIT_BUSY, EXIT_NO_DB = 0, 1, 2, 3, 4, 5
WRITE_DELAY_ENV = "STAFFPOOL_TEST_WRITE_DELAY_US"  # test hook, docs/cli.md
DEMO_ROTA = os.path.join(os.path.dirname(__file__), "data", "demo_rota.json")


def add_subcommands(subparsers: Any, parents: Sequence[argparse.ArgumentParser]) -> None:
    """Adds `rota` to cli.py's subparsers; ``parents``: its parser with DB, --busy-timeout,
    --json, -q and -v."""
    p = subparsers.add_parser(
        "rota", parents=list(parents), help="the nightly rota: solve and write, or show/export",
        description="With --from and --days: reads the rota tables (docs/schema.md \"Rotas\") "
                    "and what staff were already told (the published rota), solves with no "
                    "transaction open, and writes the new rota with its run in one transaction; "
                    "it becomes current only when completely written. Exit codes as `plan`. "
                    "--show prints a stored rota; --export writes it as one iCalendar file per "
                    "person (--format ics) or as CSV tables.")
    p.add_argument("--from", dest="first", default=None, metavar="DATE",
                   help="first date of the rota, YYYY-MM-DD")
    p.add_argument("--days", type=int, default=None, metavar="N",
                   help="number of days to plan (e.g. 28)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="seconds for the solve (default: none)")
    p.add_argument("--gap", type=float, default=1e-6, metavar="G",
                   help="relative gap to stop at (default 1e-6)")
    p.add_argument("--freeze-days", type=int, default=None, metavar="N",
                   help="the first N days change only to fill a gap or for an absence "
                        "(default: the rota_settings freeze_days, else 0)")
    p.add_argument("--show", action="store_true",
                   help="print a stored rota (default: the current one)")
    p.add_argument("--export", default=None, metavar="OUT",
                   help="write a stored rota: a directory of .ics files (one per person) or of "
                        "CSV tables")
    p.add_argument("--format", choices=("ics", "csv"), default="ics",
                   help="with --export (default ics)")
    p.add_argument("--rota", dest="rota_id", type=int, default=None, metavar="ID",
                   help="with --show / --export: the rota (run id; default: the current rota)")


def _open(args: argparse.Namespace, readonly: bool = False) -> Any:
    from .store import Store

    store = Store(args.db, readonly=readonly, busy_timeout=args.busy_timeout)
    delay = os.environ.get(WRITE_DELAY_ENV)
    if delay:
        store.set_write_delay(int(delay))
    return store


def cmd_rota(args: argparse.Namespace, out: Any) -> int:
    if args.show or args.export:
        if args.first is not None or args.days is not None:
            raise ValidationError("rota: --from/--days plan a new rota; --show and --export "
                                  "read a stored one (give one or the other)", "rota", "show")
        return _show_or_export(args, out)
    if args.rota_id is not None:
        raise ValidationError("rota: --rota: only with --show or --export", "rota", "rota")
    if args.first is None or args.days is None:
        raise ValidationError("rota: --from DATE and --days N are required to plan a rota "
                              "(or --show / --export to read one)", "rota", "from")
    command = "rota"
    for flag, value in (("--from", args.first), ("--days", args.days),
                        ("--time-limit", args.time_limit), ("--freeze-days", args.freeze_days)):
        if value is not None:
            command += f" {flag} {shlex.quote(str(value))}"
    if args.gap != 1e-6:
        command += f" --gap {args.gap}"
    with _open(args) as store:
        run = store.rota(args.first, args.days, time_limit=args.time_limit, gap=args.gap,
                         freeze_days=args.freeze_days,
                         log_level=args.verbose if args.verbose > 1 else 0, command=command,
                         progress=out.progress,
                         watch=StderrLines(every=5.0) if out.show_progress else False)
    data: Dict[str, Any] = {
        "run": run.run_id, "rota": run.rota_id, "status": run.status,
        "stopped_by": run.stopped_by, "objective": run.objective, "gap": run.gap,
        "solve_seconds": run.solve_seconds, "write_seconds": run.write_seconds,
        "input_hash": run.input_hash, "from": run.from_date, "days": run.days,
        "freeze_days": run.freeze_days, "published": run.published}
    if run.has_rota:
        data.update(_tables_json(_records(run.rows)))
    out.json(json_safe(data))
    if not run.has_rota:
        out.error(f"no rota: {run.status}"
                  + (f" (stopped by {run.stopped_by.replace('_', ' ')})" if run.stopped_by
                     else "") + f"; run {run.run_id} recorded, the current rota is unchanged")
        return EXIT_NO_PLAN
    gap = "" if run.status == "optimal" else f", gap {run.gap:.2%}" if run.gap is not None else ""
    stopped = f" (stopped by {run.stopped_by.replace('_', ' ')})" if run.stopped_by else ""
    out.result(f"rota {run.rota_id} written and current: {run.status}{stopped}{gap}; solve "
               f"{run.solve_seconds:.2f} s, write {run.write_seconds:.3f} s\n"
               + summary(_records(run.rows), published=run.published)
               + f"\n`staffpool rota {args.db} --show` shows it; `--export DIR` writes each "
                 "person's calendar")
    return EXIT_OK


def _records(rows: Dict[str, List[tuple]]) -> Dict[str, List[Dict[str, Any]]]:
    from .store import ROTA_RESULT_COLUMNS

    return {t: [dict(zip(ROTA_RESULT_COLUMNS[t], r)) for r in rs] for t, rs in rows.items()}


def _tables_json(tables: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    strip = lambda r: {k: v for k, v in r.items() if k != "rota_id"}  # noqa: E731
    return {"penalties": {r["part"]: r["value"] for r in tables["rota_penalties"]},
            "cover_gaps": [strip(r) for r in tables["rota_cover_results"]
                           if r["assigned"] < r["requirement"]],
            "changes": [strip(r) for r in tables["rota_changes"]],
            "people": [strip(r) for r in tables["rota_people"]],
            "assignments": [strip(r) for r in tables["rota_assignments"]]}


def _post(shift: Any, site: Any, skill: Any) -> str:
    return shift + ("@" + site if site else "") + ("/" + skill if skill else "")


def summary(tables: Dict[str, List[Dict[str, Any]]], published: Optional[int] = None,
            max_lines: int = 20) -> str:
    """A rota's results in words: horizon, objective and its parts, cover gaps with their
    reasons, changes to what was published."""
    head = tables["rotas"][0]
    first = dt.date.fromisoformat(head["from_date"])
    last = first + dt.timedelta(days=head["days"] - 1)
    people = tables["rota_people"]
    lines = [f"{first} .. {last} ({head['days']} days): {len(tables['rota_assignments'])} "
             f"shifts for {sum(1 for p in people if p['shifts'])} of {len(people)} people, "
             f"{sum(p['minutes'] for p in people) / 60:,.1f} h"]
    parts = " + ".join(f"{r['part']} {r['value']:g}" for r in tables["rota_penalties"]
                       if r["value"])
    bound = "" if head["bound"] is None else f", bound {head['bound'] + 0.0:g}"
    lines.append(f"objective {head['objective']:g}{' = ' + parts if parts else ''}{bound}")
    gaps = [r for r in tables["rota_cover_results"] if r["assigned"] < r["requirement"]]
    short = sum(r["requirement"] - r["assigned"] for r in gaps)
    lines.append(f"cover gaps: {len(gaps)} (date, shift and post) short of "
                 f"{short} people" if gaps else "cover: every requirement met")
    for r in gaps[:max_lines]:
        lines.append(f"  {r['date']} {_post(r['shift'], r['site'], r['skill'])}: "
                     f"{r['assigned']} of {r['requirement']}: {r['reason'] or 'no reason given'}")
    if len(gaps) > max_lines:
        lines.append(f"  ... and {len(gaps) - max_lines} more (--json lists them all)")
    changes = tables["rota_changes"]
    of = f" of {published} published assignments" if published is not None else ""
    lines.append(f"changes to what was published: {len(changes)}{of}")
    for r in changes[:max_lines]:
        before = _post(r["before_shift"], r["before_site"], r["before_skill"]) \
            if r["before_shift"] else "off"
        after = _post(r["after_shift"], r["after_site"], r["after_skill"]) \
            if r["after_shift"] else "off"
        lines.append(f"  {r['staff']} {r['date']}: {before} -> {after}")
    if len(changes) > max_lines:
        lines.append(f"  ... and {len(changes) - max_lines} more (--json lists them all)")
    return "\n".join(lines)


def roster_grid(tables: Dict[str, List[Dict[str, Any]]]) -> str:
    """One line per person, one column per date: the shift worked or '.'."""
    head = tables["rotas"][0]
    first = dt.date.fromisoformat(head["from_date"])
    dates = [(first + dt.timedelta(days=d)) for d in range(head["days"])]
    worked = {(a["staff"], a["date"]): a["shift"] for a in tables["rota_assignments"]}
    width = max([len(s) for s in worked.values()] + [2])
    names = [p["staff"] for p in tables["rota_people"]]
    pad = max([len(n) for n in names] + [6])
    out = [" " * pad + " " + " ".join(d.strftime("%a")[:2].ljust(width) for d in dates),
           " " * pad + " " + " ".join(d.strftime("%d").ljust(width) for d in dates)]
    for n in names:
        out.append(n.ljust(pad) + " " + " ".join(worked.get((n, d.isoformat()), ".").ljust(width)
                                                  for d in dates))
    return "\n".join(out)


def _show_or_export(args: argparse.Namespace, out: Any) -> int:
    from . import csvio
    from .ical import write_calendars

    with _open(args, readonly=True) as store:
        tables = store.rota_tables(args.rota_id)
        rota_id = tables["rotas"][0]["id"]
        current = store.current_rota()
        if args.export:
            if args.format == "ics":
                out.progress(f"writing the calendars of rota {rota_id} to {args.export}")
                written = write_calendars(store, args.export, rota_id)
            else:
                written = csvio.export_csv_dir(store, args.export, None, rota_id=rota_id)
            out.result(f"rota {rota_id}: wrote {len(written)} files to {args.export}")
            out.json({"rota": rota_id, "files": written})
            return EXIT_OK
        runs = {r["id"]: r for r in store.runs()}
    run = runs.get(rota_id, {})
    out.json(json_safe({"rota": rota_id, "current": rota_id == current, "run": run,
                     **{k: v for k, v in tables["rotas"][0].items()},
                     **_tables_json(tables)}))
    out.result(f"Rota {rota_id}{' (current)' if rota_id == current else ''}: "
               f"{tables['rotas'][0]['status']}, run {run.get('started_at', '?')}, "
               f"`{run.get('command', '?')}`, inputs sha256 "
               f"{(run.get('input_hash') or '?')[:16]}\n" + summary(tables) + "\n\n"
               + roster_grid(tables))
    return EXIT_OK


# ---- hooks for `init --demo` and `import` ------------------------------------------------------

def init_demo(store: Any) -> None:
    """Loads the shipped demo rota (data/demo_rota.json, made by tools/make_demo.py) into a
    database holding the demo pool."""
    with open(DEMO_ROTA, encoding="utf-8") as f:
        store.save_rota(json.load(f)["tables"])


def read_rota_csv(directory: str, pool: Any) -> Optional[Tuple[Any, Any]]:
    """`staffpool import`: the rota_*.csv files in directory (rota_shifts.csv among them) read
    against pool, as (tables, line map) for `save_rota_csv`; None without them (the stored rota
    inputs are then kept)."""
    from .csvio import has_rota, read_rota

    return read_rota(directory, pool) if has_rota(directory) else None


def save_rota_csv(store: Any, rota: Tuple[Any, Any]) -> None:
    """Replaces the stored rota inputs with what `read_rota_csv` read; an error names the CSV
    file and line."""
    from .csvio import rota_csv_location

    tables, lines = rota
    try:
        store.save_rota_rows(tables)
    except ValidationError as e:
        raise ValidationError(rota_csv_location(str(e), lines), e.record, e.field) from None


COMMANDS: Dict[str, Any] = {"rota": cmd_rota}
