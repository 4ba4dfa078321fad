#!/usr/bin/env python3
"""Writes notebooks/02, 03, 04 and 05 from the cells below, outputs stripped, with stable cell ids, so
they are reproducible and reviewable as code:

    /usr/bin/python3 tools/make_notebooks.py          # rewrite them
    /usr/bin/python3 tools/make_notebooks.py --check  # exit 1 if a notebook differs from here

notebooks/01 is kept by hand and is not touched. The test suite executes every notebook
(tests/python/test_notebooks.py).
"""
import os
import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, "notebooks")


def md(text):
    return ("md", text.strip("\n"))


def code(text):
    return ("code", text.strip("\n"))


# ---- 02 · partner economics ---------------------------------------------------------------------

NB02 = [
    md("""
# 02 · Partner economics and the value of pooling

The seven Wrenshire councils share one team, so they must share its bill. Each service has a
*sharing agreement*: environmental health is split 30% by population and 70% by the hours each
district actually received (with a 3-point tolerance before the split is re-balanced), licensing
by population, and trading standards and animal health by usage. This notebook splits the
quarter's plan by those agreements, compares the rules the councils could have chosen, and asks
the question every partner's finance director asks: *are we better off in the pool than alone?*

Nothing here is estimated: every figure comes from the solver's plan, and every split adds up to
the penny (docs/economics.md).
"""),
    code("""
import tempfile, os
import pandas as pd
import staffpool
from staffpool import economics, plots

pool = staffpool.Pool.demo()
solution = staffpool.solve(pool, time_limit=60)
solution
"""),
    md("""
## The agreements, as stored in the service's database

`staffpool init pool.db --demo` stores these agreements with the pool; a planner reads them back
with `Store.agreements()`. Here we store them in a scratch database and read them back the same
way, so what follows uses exactly what the nightly job would.
"""),
    code("""
with tempfile.TemporaryDirectory() as scratch:
    store = staffpool.Store.create(os.path.join(scratch, "pool.db"))
    store.save_pool(pool)
    store.save_agreements(economics.demo_agreements())
    agreements = store.agreements()
    store.close()

pd.DataFrame([a.to_dict() for a in agreements])
"""),
    md("""
## Who pays what

One row per (agreement, partner): the hours received, the share charged, and the cost borne.
`difference_from_usage` is what each council pays above (+) or below (-) a pure pay-for-what-you-
use split of the same bill.
"""),
    code("""
shares = staffpool.cost_shares(solution, pool, agreements)
shares[["agreement", "partner", "hours_received", "usage_share", "share", "rebalanced",
        "cost_borne", "cost_per_hour", "difference_from_usage"]].round(3)
"""),
    md("""
Each agreement's shares add up exactly to its total, and the re-balancing tolerance did its job:
where the hours received stayed within 3 points of the hours asked for, the agreed split stands.
"""),
    code("""
shares.groupby("agreement").agg(total_cost=("total_cost", "first"),
                                charged=("cost_borne", "sum"),
                                rebalanced=("rebalanced", "first"),
                                largest_move=("max_deviation", "first")).round(4)
"""),
    md("""
Per council, over every agreement: the bill, the hours it bought, and the price per hour. The
dashed line in the chart is the pool's average price per hour; councils above it pay more per hour
received (a fixed share split by population, or an agreed split based on the hours they asked for
rather than the hours they got), those below less.
The hollow circles show what each would pay on a pure usage split.
"""),
    code("""
totals = economics.partner_totals(shares)
totals.round(2)
"""),
    code("""
ax = plots.cost_vs_hours(shares)
"""),
    md("""
## Each rule compared

Suppose the councils had chosen a single rule for the whole service. `compare_rules` applies each
rule to the same plan and the same bill: the columns add up to the same total, only the split
changes. Note the county: its population covers every district's, so a population split of the
whole service would load most of the bill on it, which is one reason the agreements above split by
population only between the districts, and only for the district services.
"""),
    code("""
rules = economics.compare_rules(solution, pool, skills="all")
rules[["partner", "population", "hours_received", "cost_population", "cost_equal",
       "cost_usage", "cost_fixed_variable"]].round(0)
"""),
    code("""
rules[["partner"] + [c for c in rules.columns if c.startswith("per_hour_")]].round(2)
"""),
    md("""
## The value of pooling

Now the counterfactual: each council alone, with only its own staff and its own demand, solved by
the same model. `value_of_pooling` runs the eight solves in parallel and sets each council's
results alone beside its results in the pool: unmet hours (and statutory unmet hours, the ones
that carry legal risk), cost, and how many of its skills rest on a single person.
"""),
    code("""
value = staffpool.value_of_pooling(pool, agreements, time_limit=30)
value[["partner", "status_alone", "hours_unmet_alone", "hours_unmet_pooled",
       "unmet_statutory_alone", "unmet_statutory_pooled", "cost_alone", "cost_borne_pooled",
       "uncovered_pairs_alone", "uncovered_pairs_pooled"]].round(1)
"""),
    md("""
The "(total)" row is the partnership's answer: in the pool, far fewer hours go unmet than with
every council on its own, statutory hours above all, and skills that some councils cannot staff at
all alone (`uncovered_pairs`) are covered. Council by council the picture is mixed, and that is
the point of the agreements: a council with a strong team of its own can leave a little more of
its own demand unmet in the pool, because its people also cover other councils' statutory work (the
plan puts statutory work first across the partnership), and several councils pay more than their
stand-alone cost because they now receive hours they could not staff alone. The chart puts the
unmet hours side by side.
"""),
    code("""
import matplotlib.pyplot as plt

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
by_partner = value[value["partner"] != "(total)"].set_index("partner")
by_partner[["hours_unmet_alone", "hours_unmet_pooled"]].rename(
    columns={"hours_unmet_alone": "alone", "hours_unmet_pooled": "pooled"}).plot.bar(
    ax=left, color=["#bbbbbb", "#2166ac"], title="Unmet hours: alone against pooled")
left.set_ylabel("unmet hours")
plots.unmet_by_priority(solution, pool, ax=right)
fig.tight_layout()
"""),
    md("""
## What to take away

- The bill is split exactly as the agreements say, to the penny, and re-balanced only when usage
  drifts beyond the agreed tolerance.
- The choice of rule moves money between councils, never the total: `compare_rules` shows by how
  much before anyone signs.
- Pooling's value is mostly in what gets done: far fewer unmet (and statutory unmet) hours, and
  skills covered that some councils cannot staff alone. Notebook 03 looks at how resilient that
  cover is.
"""),
]


# ---- 03 · resilience and a partner withdrawal ---------------------------------------------------

NB03 = [
    md("""
# 03 · Resilience and a partner's withdrawal

A shared service is only as strong as the people it leans on. This notebook asks three questions a
head of service is asked by every partner's chief executive:

1. Which of our skills rest on a single person?
2. If our most relied-upon people were away for the whole quarter, how much statutory work would
   go undone, and for whom?
3. If one council left the partnership, what would the others lose, what would it face alone,
   and how would the bill be re-shared?

Every answer comes from re-solving the plan (docs/economics.md), not from a rule of thumb. To keep
the notebook quick, each re-solve gets a short time limit; the status and gap of each say whether
it was proved optimal.
"""),
    code("""
import staffpool
from staffpool import economics, plots, resilience

pool = staffpool.Pool.demo()
solution = staffpool.solve(pool, time_limit=60)
solution
"""),
    md("""
## Single points of failure

Distinct people serving each council's skills over the quarter. A red outline is a skill that rests
on one person; an asterisk, a resilience rule (a minimum number of people) the plan could not
meet.
"""),
    code("""
ax = plots.resilience(solution, pool)
"""),
    code("""
res = solution.resilience.to_frame()
res[(res["distinct_people"] <= 1) & (res["hours_received"] > 0)][
    ["partner", "skill", "hours_demanded", "hours_received", "largest_staff", "min_people",
     "people_short"]].round(1)
"""),
    md("""
## N-1: the people the plan relies on most

Re-solving with each of 115 people absent would take a while; instead `n_minus_1(top=k)` ranks
people by how much the plan relies on them (hours on thinly covered, high-priority work) and
re-solves only for the top k, in parallel. Each row is one absence: the extra unmet hours it
causes, by priority, and the council hit hardest.
"""),
    code("""
absences = staffpool.n_minus_1(pool, top=6, time_limit=10)
absences.people[["staff", "partner", "extra_unmet_hours", "extra_unmet_statutory",
                 "partners_hit", "worst_partner", "pairs_losing_cover", "status", "gap"]].round(1)
"""),
    md("""
Each council's resilience score is 1 minus the worst priority-weighted loss any single examined
absence causes it, as a share of its weighted demand: 1 means none of these absences costs it
anything more.
"""),
    code("""
absences.scores[["partner", "score", "absences_hurting", "worst_extra_unmet_hours",
                 "worst_cases", "single_person_pairs", "two_person_pairs"]].round(3)
"""),
    md("""
And the fragile cover: the (council, skill) pairs resting on one or two people, with the absence
that hurt each most.
"""),
    code("""
absences.fragile.round(2)
"""),
    md("""
## A council withdraws

Kingsmere District Council is reviewing its membership. `withdrawal` removes its staff and its
demand and re-solves: what the remaining six lose, what Kingsmere would face alone, and how the
bill is re-shared under the same agreements.
"""),
    code("""
agreements = economics.demo_agreements()
leaving = staffpool.withdrawal(pool, "KSD", agreements, time_limit=30)
leaving.statuses
"""),
    code("""
leaving.others[["partner", "hours_unmet_before", "hours_unmet_after", "hours_unmet_change",
                "unmet_statutory_change", "people_before", "people_after",
                "single_person_pairs_change"]].round(1)
"""),
    md("""
Kingsmere on its own: its own staff, its own demand.
"""),
    code("""
leaving.alone.round(1)
"""),
    md("""
And the bill: every council's cost borne before and after (Kingsmere's "after" is the cost of
running its service alone).
"""),
    code("""
ax = leaving.costs.set_index("partner")[["cost_borne_before", "cost_borne_after"]].plot.bar(
    figsize=(8, 4), color=["#bbbbbb", "#2166ac"], title="Cost borne before and after KSD leaves")
ax.set_ylabel("cost borne")
leaving.costs[["partner", "withdrawing", "cost_borne_before", "cost_borne_after",
               "cost_change", "cost_per_hour_before", "cost_per_hour_after"]].round(2)
"""),
    md("""
## What to take away

- The resilience chart shows at a glance where cover rests on one person; the N-1 re-solves say
  which of those actually matter, in hours and in statutory hours.
- A withdrawal moves both work and money: the leaving council's people no longer cover the
  others, the leaving council loses cover it cannot staff alone (statutory hours included), and
  each remaining council's share of the bill goes up.
- Both analyses run as sweeps: given a Dask client (`client=`), the same calls run on a cluster.
"""),
]


# ---- 05 · redeployment ---------------------------------------------------------------------------

NB05 = [
    md("""
# 05 · Redeployment to avoid redundancy

Three districts (Wrenbury, Ashby Vale and Harrowfield) are merging their management teams: twelve
posts go. The partnership has agreed to redeploy before it makes anyone redundant, across all
seven councils: into open vacancies, into posts that open when known leavers go, and into posts
expected to open through turnover, with retraining where a route exists, pay protection for up to
a grade down, and relocation support.

`staffpool.Redeployment` matches people to posts in strict order: fewest compulsory redundancies,
then least net cost, then fewest relocations and the best fit (docs/redeployment.md). Every
redundancy that remains comes with its true reason.
"""),
    code("""
import staffpool
from staffpool import plots

reorg = staffpool.Redeployment.demo()
reorg
"""),
    md("""
The people at risk, their grades, pay and what they will accept:
"""),
    code("""
people = reorg.to_frames()["people"]
people[["id", "partner", "post", "grade", "pay", "hours", "max_travel_minutes", "relocate",
        "redundancy_cost"]]
"""),
    code("""
result = reorg.solve(time_limit=60)
result
"""),
    md("""
## Each person's outcome

Where each person goes, whether they retrain, relocate or wait (working for the pool meanwhile),
what it costs to place them, and the redundancy cost that placement avoids.
"""),
    code("""
outcomes = result.to_frame()
outcomes[["person", "partner", "outcome", "vacancy", "vacancy_partner", "vacancy_kind",
          "new_grade", "route", "relocated", "waiting_periods", "cost", "redundancy_cost"]].round(0)
"""),
    md("""
## The redundancies that remain, and why

Not "no match found": the reason that actually binds (grade band, travel, a post taken by someone
else...), with the posts that came closest.
"""),
    code("""
for o in result.redundancies:
    print(f"{o.person} ({o.partner}, grade {o.grade}): {o.reason}: {o.explanation}")
    print(f"    {o.detail}")
"""),
    md("""
## Cost avoided against the cost of avoiding it

The cost of avoiding redundancy (training, pay protection, travel, relocation and the share of
waiting time the pool does not use) against the redundancy cost it saves. Net cost is negative
when redeployment saves money overall.
"""),
    code("""
t = result.totals
{"cost of avoiding": round(t.cost_of_avoiding), "training": round(t.training_cost),
 "pay protection": round(t.protection_cost), "travel": round(t.travel_cost),
 "relocation": round(t.relocation_cost), "waiting": round(t.waiting_cost),
 "redundancy cost avoided": round(t.redundancy_cost_avoided),
 "redundancy cost incurred": round(t.redundancy_cost_incurred), "net cost": round(t.net_cost)}
"""),
    code("""
placed = outcomes[outcomes["outcome"] == "redeployed"]
placed.groupby("partner")[["cost", "redundancy_cost"]].sum().rename(
    columns={"cost": "cost_of_avoiding", "redundancy_cost": "redundancy_cost_avoided"}).round(0)
"""),
    code("""
ax = plots.redeployment_outcomes(result)
"""),
    md("""
## A rule variant compared

The policy allows one grade down with pay protection. The unions have asked what two grades down
would do; finance has asked what happens if Kingsmere withdraws its vacancies. `staffpool.compare`
solves each variant and puts them side by side.
"""),
    code("""
comparison = staffpool.compare({
    "policy": result,
    "two grades down": reorg.with_rules(grades_down=2),
    "KSD withdraws": reorg.without(partners=["KSD"]),
}, time_limit=60)
comparison.loc[["status", "redeployed", "redundant", "relocations", "protection_cost",
                "cost_of_avoiding", "redundancy_cost_avoided", "redundancy_cost_incurred",
                "net_cost"] + [r for r in comparison.index if str(r).startswith("redundant: ")]]
"""),
    md("""
## The vacancies

Every vacancy, expected ones included, with who fills it and how many at-risk people were
suitable for it.
"""),
    code("""
result.vacancies.to_frame()
"""),
    md("""
## What to take away

- Nine of twelve people keep a job; each remaining redundancy has a reason that a panel can check.
- Redeployment here saves money: the cost avoided is several times the cost of avoiding it.
- A policy change is a one-line variant: two grades down saves one more post at the price of more
  pay protection, which `compare` shows before the policy is changed.
"""),
]


# ---- 04 · the nightly rota and re-planning after an absence ------------------------------------

NB04 = [
    md("""
# 04 · The nightly rota, and re-planning after an absence

The weekly plan of notebook 01 says how many hours each council gets; the *rota* says who is on
which duty, where, each day. Five of the Wrenshire councils run a shared duty rota: an early duty
(food and health-and-safety officers at the Wrenbury and Hartford offices), late licensing visits
(Wrenbury and Kingsford) and a night noise patrol out of Wrenbury. Twenty officers from the five
councils take part, each with their skills, contract, limits (hours, consecutive days, weekends,
at least eleven hours' rest between duties), leave already booked, and requests for particular
days on or off.

A job runs every night: it reads the shared database, re-plans the coming four weeks around new
absences with as few changes as possible to what staff have already been told, writes the new rota
atomically, and publishes everyone's calendar. This notebook does the same steps by hand.
"""),
    code("""
import os, sqlite3, subprocess, sys, tempfile
import datetime as dt
import pandas as pd
import staffpool
from staffpool import plots
from staffpool.store import Store

scratch = tempfile.mkdtemp()
db = os.path.join(scratch, "wrenshire.db")

def staffpool_command(*args):
    \"\"\"The `staffpool` command, as the nightly job runs it; prints what it prints.\"\"\"
    done = subprocess.run([sys.executable, "-m", "staffpool", *args], capture_output=True, text=True)
    print(done.stdout + done.stderr + f"(exit code {done.returncode})")

staffpool_command("init", db, "--demo")
"""),
    md("""
## What the rota is made of

Everything is in the database: shift types and the posts (site and skill) each one serves, cover
wanted per weekday (with a date-specific exception: a licensing event on 22 January needs two at
Kingsford, at least one of them guaranteed), each officer's rota rules, absences and requests
(docs/schema.md, "Rotas").
"""),
    code("""
store = Store(db)
pd.DataFrame(store.records("rota_shifts"))
"""),
    code("""
cover = pd.DataFrame(store.records("rota_cover"))
cover["post"] = cover["shift"] + " @ " + cover["site"] + " / " + cover["skill"]
cover.pivot_table(index="post", columns="weekday", values="requirement", fill_value=0).rename(
    columns=dict(enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])))
"""),
    code("""
pd.DataFrame(store.records("rota_absences"))
"""),
    md("""
## The first rota

`Store.rota` is what `staffpool rota DB --from 2027-01-04 --days 28` runs: read the inputs in one
snapshot, solve with no transaction open, write the rota and make it current in one transaction.
The objective adds up penalties: cover short or over its target, requests not granted, the spread
of nights, weekends and unpopular duties among officers on the same contract (fairness), and travel
from each officer's base to the site (docs/rota.md). The solver says honestly whether it proved
the rota optimal or stopped at its time limit with a gap to its bound.
"""),
    code("""
first = store.rota("2027-01-04", 28, time_limit=20)
result = first.result
result
"""),
    code("""
dates = [(dt.date(2027, 1, 4) + dt.timedelta(days=d)).strftime("%a %d") for d in range(28)]
ax = plots.rota_chart(result, days=28, first_weekday=0, day_labels=dates)
"""),
    md("""
Who carries the unpopular work? Among the full-time officers the nights and weekends are spread as
evenly as the skills allow (only the noise-trained can take a night patrol); part-timers are
compared only with each other.
"""),
    code("""
people = result.people_frame()
people["contract"] = people["person"].map(
    {r["staff"]: r["contract"] for r in store.records("rota_staff")})
people.groupby("contract")[["shifts", "weekends", "nights"]].agg(["min", "max"])
"""),
    md("""
## An absence, and the night's re-plan

On the evening of 5 January an officer working early duties on the 6th, 7th and 8th calls in sick
for those three days. The HR system records the absence in the database; that night's job
re-plans from the 6th. The rota published so far is what staff were told: each change to it costs
a penalty, and in the *freeze window* (the next three days) a published duty is only moved when its
officer cannot work it, and new duties are added only to fill a gap.
"""),
    code("""
early = result.to_frame()
on_6th = early[(early["day"] == 2) & (early["shift"] == "E")]
victim = on_6th["person"].iloc[0]
with sqlite3.connect(db) as con:
    con.execute("INSERT INTO rota_absences(staff, from_date, to_date, reason) "
                "VALUES (?, '2027-01-06', '2027-01-08', 'sickness')", (victim,))
print(victim, "is off sick from 6 to 8 January")
"""),
    code("""
second = store.rota("2027-01-06", 26, time_limit=20)
changes = second.result.changes_frame()
moved = changes[changes["before_shift"].notna()]
print(f"{second.published} published duties in the new horizon; status {second.status}; "
      f"{len(moved)} of them changed or removed, {len(changes) - len(moved)} duties added")
changes
"""),
    md("""
The sick officer's three duties go and colleagues who were free and qualified fill the gaps; the
rest of the published rota stands. Any other change is one the solver found worth more than the
change penalty (`weight_change` in `rota_settings`: 50 per changed duty here) in travel, fairness
or requests; raise the weight and the rota holds stiller.
"""),
    code("""
gaps = second.result.cover_frame()
gaps[gaps["gap"] > 0]
"""),
    md("""
## Everyone's calendar

The job then writes one iCalendar file per officer. Each duty keeps the same identifier in every
rota, so a calendar subscribed to the file updates a moved duty instead of showing it twice, and a
duty that was taken away shows as cancelled.
"""),
    code("""
ics = os.path.join(scratch, "calendars")
staffpool_command("rota", db, "--export", ics, "--format", "ics", "-q")
files = sorted(os.listdir(ics))
print(len(files), "calendars, e.g.", files[:3])
text = open(os.path.join(ics, next(f for f in files if f.startswith(victim)))).read()
print("\\n".join(line for line in text.splitlines()
                if line.startswith(("SUMMARY", "DTSTART", "STATUS", "LOCATION")))[:800])
"""),
    code("""
store.close()
"""),
    md("""
## What to take away

- One command, run nightly, reads the database, re-plans around what changed and writes the rota
  atomically; a run that cannot produce a rota leaves the current one untouched and says why
  (exit codes in docs/cli.md).
- Re-planning respects what staff were told: changes are penalised, and near-term duties are frozen
  except to fill a gap.
- Every cover gap comes with a reason, and every penalty is broken down per person.
"""),
]


NOTEBOOKS_SPEC = {
    "02-partner-economics.ipynb": NB02,
    "03-resilience-and-withdrawal.ipynb": NB03,
    "04-nightly-rota.ipynb": NB04,
    "05-redeployment.ipynb": NB05,
}


def build(name, cells):
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                  "name": "python3"}}
    stem = name.split("-")[0]
    for i, (kind, text) in enumerate(cells):
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        cell["id"] = f"nb{stem}-{i:02d}"
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for name, cells in NOTEBOOKS_SPEC.items():
        path = os.path.join(NOTEBOOKS, name)
        text = build(name, cells)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old == text:
            continue
        if check:
            stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}")
    if stale:
        print("out of date (run tools/make_notebooks.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
