"""Sharing agreements in the store (schema version 3; docs/schema.md "Sharing agreements")."""
from __future__ import annotations

import csv
import json
import os
import sqlite3

import pandas as pd
import pytest

from staffpool import Pool
from staffpool import economics as ec
from staffpool.cli import main
from staffpool.errors import ValidationError
from staffpool.store import AGREEMENT_COLUMNS, NotADatabaseError, Store

HERE = os.path.dirname(os.path.abspath(__file__))
NASTY = "Robert'); DROP TABLE agreements; -- \"quoted\" ,comma"

# Every field used: partner lists, weights, agreed shares, a budget, and an every-partner
# agreement whose rows carry only weights (members = 'all').
AGREEMENTS = [
    ec.Agreement("environmental health", skills=("food", "hs", "noise", "contam", "air"),
                 rule="fixed_variable", partners=ec.DEMO_DISTRICTS, fixed_share=0.3,
                 fixed_rule="weights", tolerance=0.03,
                 weights={"WBD": 3, "AVD": 1, "HFD": 2, "FMD": 1, "KSD": 2, "BDD": 1.5}),
    ec.Agreement("licensing", skills="licensing,taxi", rule="population",
                 partners=("WBD", "AVD", "HFD", "FMD", "KSD", "BDD"),
                 agreed_shares={"WBD": 0.3, "AVD": 0.1, "HFD": 0.2, "FMD": 0.1, "KSD": 0.2,
                                "BDD": 0.1}, total_cost=120000.5),
    ec.Agreement(NASTY, skills=("animal", "housing"), rule="weights",
                 weights={"WCC": 5, "WBD": 1, "AVD": 1, "HFD": 1, "FMD": 1, "KSD": 1, "BDD": 1}),
    ec.Agreement("trading standards", skills=("product", "metrology", "fairtrade"),
                 rule="equal", tolerance=0.1),
]


@pytest.fixture()
def pool_db(tmp_path, demo_pool):
    """The demo pool without redeployment scenarios (so only agreements refer to it)."""
    path = str(tmp_path / "pool.db")
    with Store.create(path) as db:
        db.save_pool(demo_pool)
    return path


def _same(a, b):
    assert a == b
    for x, y in zip(a, b):
        assert x.weights == y.weights and x.agreed_shares == y.agreed_shares
        assert x.partners == y.partners and x.skills == y.skills


def test_round_trip_equals_and_gives_the_same_shares(pool_db, demo_pool, demo_solution):
    with Store(pool_db) as db:
        assert db.agreements() == []
        db.save_agreements(AGREEMENTS)
        back = db.agreements()
        assert [r["skill"] for r in db.records("agreement_skills")
                if r["agreement"] == "licensing"] == ["licensing", "taxi"]
        assert [r["members"] for r in db.records("agreements")] == ["listed", "listed", "all",
                                                                  "listed"]
        db.check()
    _same(back, AGREEMENTS)
    pd.testing.assert_frame_equal(ec.cost_shares(demo_solution, demo_pool, back),
                                  ec.cost_shares(demo_solution, demo_pool, AGREEMENTS))
    # dicts are accepted too, and saving replaces what was stored
    with Store(pool_db) as db:
        db.save_agreements([a.to_dict() for a in AGREEMENTS[:2]])
        _same(db.agreements(), AGREEMENTS[:2])
        db.save_agreements([])
        assert db.agreements() == [] and db.records("agreement_skills") == []


def test_columns_match_the_schema(pool_db):
    with Store(pool_db) as db:
        for table, columns in AGREEMENT_COLUMNS.items():
            assert tuple(db.rows(table)[0]) == columns


@pytest.mark.parametrize("bad, match", [
    ([{"name": "a", "skills": "food,nope"}], "unknown skill 'nope'"),
    ([{"name": "a", "skills": "food", "partners": ["WBD", "XXX"]}], "unknown partner 'XXX'"),
    ([{"name": "a", "skills": "food"}, {"name": "b", "skills": "hs,food"}],
     "already in agreement 'a'"),
    ([{"name": "a"}, {"name": "b", "skills": "hs"}], "overlaps"),
    ([{"name": "a", "rule": "by_mood"}], "unknown rule"),
])
def test_bad_agreements_are_refused_and_nothing_written(pool_db, bad, match):
    with Store(pool_db) as db:
        db.save_agreements(AGREEMENTS)
        with pytest.raises(ValidationError, match=match):
            db.save_agreements(bad)
        _same(db.agreements(), AGREEMENTS)


def test_the_store_checks_rows_written_directly(pool_db):
    """The C store refuses what the Python checks would, for callers that skip them."""
    row = lambda name, skills, rule=None: (name, skills, rule, None, None, None, None, None)  # noqa
    with Store(pool_db) as db:
        for tables, match in (
                ({"agreements": [row("a", "food"), row("b", " hs , food")]}, "one agreement only"),
                ({"agreements": [row("a", "food,food")]}, "listed twice"),
                ({"agreements": [row("a", "all"), row("b", "hs")]}, "overlaps"),
                ({"agreements": [row("a", "food,zzz")]}, "unknown skill 'zzz'"),
                ({"agreements": [row("a", "food", "whim")]}, "CHECK constraint"),
                ({"agreements": [row("a", "food")],
                  "agreement_partners": [("a", "QQQ", None, None)]}, "unknown partner 'QQQ'"),
                ({"agreement_partners": [("a", "WBD", None, None)]}, "does not exist")):
            with pytest.raises(ValidationError, match=match):
                db.save_agreement_rows(tables)
        db.save_agreement_rows({"agreements": [row("a", " hs , food")]})
        assert [r["skill"] for r in db.records("agreement_skills")] == ["hs", "food"]
        assert db.agreements()[0].skills == ("hs", "food")


def test_pool_import_that_drops_a_referenced_partner_or_skill_is_refused(pool_db):
    d = Pool.demo().to_dict()
    d["partners"] = [p for p in d["partners"] if p["id"] != "FMD"]
    d["sites"] = [s for s in d["sites"] if s["partner"] != "FMD"]
    keep = {s["id"] for s in d["sites"]}
    d["travel_minutes"] = [t for t in d.get("travel_minutes", [])
                           if t["from"] in keep and t["to"] in keep]
    d["staff"] = [s for s in d["staff"] if s["site"] in keep]
    ids = {s["id"] for s in d["staff"]}
    d["availability"] = [a for a in d.get("availability", []) if a["staff"] in ids]
    d["demand"] = [x for x in d["demand"] if x["partner"] != "FMD"]
    d["resilience"] = [x for x in d.get("resilience", []) if x["partner"] != "FMD"]
    with Store(pool_db) as db:
        db.save_agreements(ec.demo_agreements())  # lists FMD in two agreements
        with pytest.raises(ValidationError, match="agreement_partners.*does not exist"):
            db.save_pool(Pool.from_dict(d))
        assert len(db.records("partners")) == 7
        db.save_agreements([ec.Agreement("ts", skills=("fairtrade",))])  # every partner
        db.save_pool(Pool.from_dict(d))  # fine: no partner is named
        assert len(db.records("partners")) == 6
        e = Pool.demo().to_dict()
        e["skills"] = [k for k in e["skills"] if k["id"] != "fairtrade"]
        for t in ("demand", "resilience"):
            e[t] = [x for x in e.get(t, []) if x["skill"] != "fairtrade"]
        for x in e["staff"]:
            x["skills"].pop("fairtrade", None)
        with pytest.raises(ValidationError, match="agreement_skills.*does not exist"):
            db.save_pool(Pool.from_dict(e))
        db.check()


def _v2_database(path, source):
    """A genuine schema-version-2 database (the frozen v2 schema SQL) holding source's rows."""
    with open(os.path.join(HERE, "schema_v2.sql"), encoding="utf-8") as f:
        schema = f.read()
    con = sqlite3.connect(path)
    con.executescript(schema)
    con.execute("PRAGMA application_id = 1397772108")  # 0x53504F4C
    con.execute("PRAGMA user_version = 2")
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    con.execute("ATTACH DATABASE ? AS src", (source,))
    for t in tables:
        con.execute(f"INSERT INTO main.{t} SELECT * FROM src.{t}")
    con.commit()
    con.execute("DETACH DATABASE src")
    con.close()
    return tables


def test_migration_from_version_2_keeps_the_data(tmp_path, capsys):
    src = str(tmp_path / "src.db")
    assert main(["init", src, "--demo", "-q"]) == 0
    assert main(["plan", src, "-q", "--periods", "2"]) == 0
    old = str(tmp_path / "v2.db")
    tables = _v2_database(old, src)
    assert "redeploy_people" in tables and "agreements" not in tables
    con = sqlite3.connect(old)
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    assert before["plans"] and before["redeploy_people"] and before["staff"]
    # read-only cannot migrate: exit 5, and the file is left at version 2
    assert main(["runs", f"file:{old}?mode=ro", "-q"]) == 5
    assert "needs upgrading to 4" in capsys.readouterr().err
    with pytest.raises(NotADatabaseError):
        Store(f"file:{old}?mode=ro", readonly=True)
    with Store(old) as db:  # a writable open migrates, in one transaction
        assert db.agreements() == []
        db.check()
        plan = db.current_plan()
    con = sqlite3.connect(old)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 4
    after = {t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
    con.close()
    assert after == before
    assert plan == before["current_plan"][0][1] and plan is not None
    with Store(old) as db:
        db.save_agreements(ec.demo_agreements())
        _same(db.agreements(), ec.demo_agreements())
    assert main(["plan", old, "-q", "--periods", "2"]) == 0


def test_migration_from_version_1_goes_through_2(tmp_path):
    src = str(tmp_path / "src.db")
    assert main(["init", src, "--demo", "-q"]) == 0
    old = str(tmp_path / "v1.db")
    tables = _v2_database(old, src)
    con = sqlite3.connect(old)
    for t in reversed(tables):
        if t.startswith("redeploy"):
            con.execute(f"DROP TABLE {t}")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with Store(old) as db:
        assert db.records("redeployments") == [] and db.agreements() == []
        assert len(db.records("staff")) == 115
        db.save_agreements(AGREEMENTS)
        db.check()


def test_init_demo_stores_the_demo_agreements(tmp_path):
    db = str(tmp_path / "demo.db")
    assert main(["init", db, "--demo", "-q"]) == 0
    with Store(db, readonly=True) as store:
        _same(store.agreements(), ec.demo_agreements())


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def test_csv_export_import_round_trip(tmp_path, pool_db):
    with Store(pool_db) as db:
        db.save_agreements(AGREEMENTS)
    out = tmp_path / "csv"
    assert main(["export", pool_db, "--format", "csv", str(out), "-q"]) == 0
    assert (out / "agreements.csv").exists() and (out / "agreement_partners.csv").exists()
    with open(out / "agreements.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == list(AGREEMENT_COLUMNS["agreements"])
    fresh = str(tmp_path / "fresh.db")
    assert main(["init", fresh, "-q"]) == 0
    assert main(["import", fresh, str(out), "-q"]) == 0
    with Store(fresh) as db:
        _same(db.agreements(), AGREEMENTS)  # the nasty name verbatim, through CSV too
        assert db.records("agreements")[2]["name"] == NASTY


HEAD = ["name", "skills", "rule", "fixed_share", "fixed_rule", "tolerance", "total_cost"]


@pytest.mark.parametrize("agreements, partners, match", [
    ([["a", "food", "whim", "", "", "", ""]], None,
     "agreements.csv, line 2, column 3 (rule): unknown rule 'whim'"),
    ([["a", "food", "usage", "", "", "lots", ""]], None,
     "agreements.csv, line 2, column 6 (tolerance): must be a number (got 'lots')"),
    ([["a", "food", "usage", "", "", "1.5", ""]], None,
     "agreements.csv, line 2, column 6 (tolerance): must be a number in [0, 1]"),
    ([["a", "food,nope", "usage", "", "", "", ""]], None,
     "agreements.csv, line 2, column 2 (skills): unknown skill 'nope'"),
    ([["a", "food", "usage", "", "", "", ""], ["b", "hs,food", "", "", "", "", ""]], None,
     "agreements.csv, line 3, column 2 (skills): 'food' is already in agreement 'a'"),
    ([["a", "food", "usage", "", "", "", ""], ["a", "hs", "", "", "", "", ""]], None,
     "agreements.csv, line 3, column 1 (name): agreement 'a' is already on line 2"),
    ([["a", "food", "usage", "0.2", "", "", ""]], None,
     "agreements.csv, line 2, column 4 (fixed_share): only with rule fixed_variable"),
    ([["a", "food", "usage", "", "", "", ""]], [["a", "WBD", "", ""], ["a", "ZZZ", "", ""]],
     "agreement_partners.csv, line 3, column 2 (partner): unknown partner 'ZZZ'"),
    ([["a", "food", "usage", "", "", "", ""]], [["b", "WBD", "", ""]],
     "agreement_partners.csv, line 2, column 1 (agreement): no agreement 'b'"),
    ([["a", "food", "usage", "", "", "", ""]], [["a", "WBD", "-1", ""]],
     "agreement_partners.csv, line 2, column 3 (weight): must be >= 0"),
    ([["a", "food", "weights", "", "", "", ""]], [["a", "WBD", "", ""]],
     "agreements.csv, line 2: weights: rule 'weights' needs a weight per partner"),
])
def test_csv_import_errors_name_file_line_column(tmp_path, pool_db, capsys, agreements,
                                                 partners, match):
    out = tmp_path / "csv"
    assert main(["export", pool_db, "--format", "csv", str(out), "-q"]) == 0
    with Store(pool_db) as db:
        db.save_agreements(ec.demo_agreements())
    _write(out / "agreements.csv", HEAD, agreements)
    if partners is not None:
        _write(out / "agreement_partners.csv", ["agreement", "partner", "weight",
                                                "agreed_share"], partners)
    capsys.readouterr()
    assert main(["import", pool_db, str(out)]) == 2
    err = capsys.readouterr().err
    assert match in err, err
    with Store(pool_db) as db:  # nothing written
        _same(db.agreements(), ec.demo_agreements())


def test_csv_import_bad_header(tmp_path, pool_db, capsys):
    out = tmp_path / "csv"
    assert main(["export", pool_db, "--format", "csv", str(out), "-q"]) == 0
    _write(out / "agreements.csv", ["name", "rules"], [["a", "usage"]])
    assert main(["import", pool_db, str(out)]) == 2
    assert "agreements.csv, line 1, column 2 (rules): unknown column" in capsys.readouterr().err
    os.remove(out / "agreements.csv")
    _write(out / "agreement_partners.csv", ["agreement", "partner"], [["a", "WBD"]])
    assert main(["import", pool_db, str(out)]) == 2
    assert "agreements.csv: missing" in capsys.readouterr().err


def test_report_economics_uses_the_stored_agreements(tmp_path, capsys):
    db = str(tmp_path / "demo.db")
    assert main(["init", db, "--demo", "-q"]) == 0
    capsys.readouterr()
    assert main(["report", db, "--economics", "--json", "--time-limit", "30"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["agreements_source"] == "database"
    names = [a.name for a in ec.demo_agreements()]
    assert [a["name"] for a in data["agreements"]] == names
    shares = pd.DataFrame(data["shares"])
    assert list(dict.fromkeys(shares["agreement"])) == names
    eh = shares[shares.agreement == "environmental health"]
    assert sorted(eh["partner"]) == sorted(ec.DEMO_DISTRICTS)  # the county is not party to it
    for _, part in shares.groupby("agreement"):
        assert round(part["cost_borne"].sum(), 2) == round(part["total_cost"].iloc[0], 2)
    # --agreements FILE overrides the stored ones
    path = tmp_path / "ag.json"
    path.write_text(json.dumps([{"name": "everything", "rule": "equal"}]))
    assert main(["report", db, "--economics", "--json", "--time-limit", "30",
                 "--agreements", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["agreements_source"].startswith("file ")
    assert {s["agreement"] for s in data["shares"]} == {"everything"}
    # and the text report says where they came from
    assert main(["report", db, "--economics", "--time-limit", "30"]) == 0
    assert "Agreements (database): environmental health" in capsys.readouterr().out
