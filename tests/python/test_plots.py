"""Every plot renders to PNG with the Agg backend and returns its Axes; the notebook HTML
representations carry the key numbers; matplotlib stays out of `import staffpool`."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import staffpool  # noqa: E402
from staffpool import economics, plots  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def tiny():
    """The conftest's tiny two-council pool and its plan."""
    import copy

    from conftest import TINY_SCENARIO

    pool = staffpool.Pool.from_dict(copy.deepcopy(TINY_SCENARIO))
    return pool, staffpool.solve(pool, time_limit=30)


@pytest.fixture(scope="module")
def redeployment():
    return staffpool.Redeployment.demo().solve(time_limit=60)


def render(ax, tmp_path, name):
    assert isinstance(ax, Axes)
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path)
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 2000
    return path


# ---- plots -------------------------------------------------------------------------------------

@pytest.mark.parametrize("period", [None, "all", 0, "2027-W05"])
def test_coverage_heatmap_demo(demo_pool, demo_solution, tmp_path, period):
    ax = plots.coverage_heatmap(demo_solution, demo_pool, period=period)
    render(ax, tmp_path, "coverage")
    image = ax.images[0].get_array()
    assert 0.0 <= image.min() and image.max() <= 1.0


def test_coverage_table_matches_partner_summaries(demo_pool, demo_solution):
    table = plots.coverage_table(demo_solution, demo_pool)
    for p in demo_solution.partners:
        dem = sum(v[0] for k, v in table.items() if k[0] == p.partner)
        rec = sum(v[1] for k, v in table.items() if k[0] == p.partner)
        assert dem == pytest.approx(p.hours_demanded, abs=1e-6)
        assert rec == pytest.approx(p.hours_received, abs=1e-4)


def test_coverage_heatmap_tiny_values(tiny, tmp_path):
    pool, solution = tiny
    ax = plots.coverage_heatmap(solution, pool, period="all")
    render(ax, tmp_path, "coverage_tiny")
    data = ax.images[0].get_array()
    # rows: partners A, B; columns: skills noise, food; every pair has demand
    for i, partner in enumerate(("A", "B")):
        for j, skill in enumerate(("noise", "food")):
            ps = next(r for r in solution.resilience if (r.partner, r.skill) == (partner, skill))
            assert data[i, j] == pytest.approx(min(1.0, ps.hours_received / ps.hours_demanded),
                                               abs=1e-6)


def test_plots_draw_on_a_given_axes(demo_pool, demo_solution, tmp_path):
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    got = [plots.coverage_heatmap(demo_solution, demo_pool, period="all", ax=axes[0][0]),
           plots.unmet_by_priority(demo_solution, demo_pool, ax=axes[0][1]),
           plots.resilience(demo_solution, demo_pool, ax=axes[1][0]),
           plots.cost_vs_hours(staffpool.cost_shares(demo_solution, demo_pool),
                               ax=axes[1][1])]
    assert got == [axes[0][0], axes[0][1], axes[1][0], axes[1][1]]
    render(got[0], tmp_path, "grid")


@pytest.mark.parametrize("share", [False, True])
def test_unmet_by_priority(demo_pool, demo_solution, tmp_path, share):
    ax = plots.unmet_by_priority(demo_solution, demo_pool, share=share)
    render(ax, tmp_path, "unmet")
    # three stacked series, one bar per partner; the stack heights are the partners' unmet
    assert len(ax.containers) == 3
    tops = [sum(c[i].get_height() for c in ax.containers) for i in range(len(ax.containers[0]))]
    for p, top in zip(demo_solution.partners, tops):
        want = p.hours_unmet / p.hours_demanded if share else p.hours_unmet
        assert top == pytest.approx(want, rel=1e-6, abs=1e-6)


def test_unmet_by_priority_tiny_without_pool(tiny, tmp_path):
    render(plots.unmet_by_priority(tiny[1]), tmp_path, "unmet_tiny")


def test_cost_vs_hours(demo_pool, demo_solution, tmp_path):
    shares = staffpool.cost_shares(demo_solution, demo_pool, economics.demo_agreements())
    ax = plots.cost_vs_hours(shares)
    render(ax, tmp_path, "cost")
    totals = economics.partner_totals(shares)
    xy = ax.collections[0].get_offsets()
    assert [tuple(p) for p in xy] == pytest.approx(
        list(zip(totals["hours_received"], totals["cost_borne"])))
    # the partner_totals frame works as well
    render(plots.cost_vs_hours(totals, annotate=False), tmp_path, "cost_totals")


def test_resilience_marks_single_points_of_failure(demo_pool, demo_solution, tmp_path):
    ax = plots.resilience(demo_solution, demo_pool)
    render(ax, tmp_path, "resilience")
    spof = [r for r in demo_solution.resilience
            if r.hours_demanded > 0 and r.hours_received > 0 and r.distinct_people <= 1]
    assert spof
    assert len(ax.patches) == len(spof)
    assert f"{len(spof)} single points of failure" in ax.get_title()


def test_resilience_tiny(tiny, tmp_path):
    pool, solution = tiny
    render(plots.resilience(solution, pool), tmp_path, "resilience_tiny")
    render(plots.resilience(solution), tmp_path, "resilience_tiny_nopool")


def test_redeployment_outcomes(redeployment, tmp_path):
    ax = plots.redeployment_outcomes(redeployment)
    render(ax, tmp_path, "redeployment")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(redeployment.outcomes)
    for o in redeployment.outcomes:
        assert any(label.startswith(o.person) for label in labels)
    texts = {t.get_text() for t in ax.texts}
    assert set(redeployment.reasons()) <= texts


def test_matplotlib_is_imported_lazily():
    code = ("import sys, staffpool, staffpool.plots, staffpool.html; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    env = dict(os.environ)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# ---- HTML representations ----------------------------------------------------------------------

def test_pool_repr_html(demo_pool, tiny):
    text = demo_pool._repr_html_()
    assert "7 partners" in text and "115 staff" in text and "13 periods" in text
    assert "2027-W01" in text and "2027-W13" in text
    total = sum(d["hours"] for d in demo_pool.records("demand"))
    assert f"{total:,.1f}" in text
    assert text.count("<tr>") < 20  # a summary, not the data
    tiny_html = tiny[0]._repr_html_()
    assert "Council A" in tiny_html and "90,000" in tiny_html


def test_solution_repr_html(demo_solution):
    text = demo_solution._repr_html_()
    assert demo_solution.status in text
    unmet = sum(p.hours_unmet for p in demo_solution.partners)
    demanded = sum(p.hours_demanded for p in demo_solution.partners)
    assert f"{unmet:,.1f}" in text and f"{demanded:,.1f}" in text
    assert f"{demo_solution.objective.cost:,.0f}" in text
    for p in demo_solution.partners:
        assert f">{p.partner}<" in text and f"{p.hours_unmet:,.1f}" in text
    top_reason = max({u.reason for u in demo_solution.unmet},
                     key=lambda r: sum(u.hours_unmet for u in demo_solution.unmet
                                       if u.reason == r))
    assert top_reason in text
    assert "single points of failure" in text
    assert len(text) < 10_000


def test_solution_repr_html_without_plan(tiny):
    pool, _ = tiny
    stopped = staffpool.solve(pool, time_limit=0)
    if not stopped.has_plan:
        assert "no plan" in stopped._repr_html_()


def test_redeployment_repr_html(redeployment):
    text = redeployment._repr_html_()
    t = redeployment.totals
    assert f"{t.redeployed} redeployed" in text
    assert f"{t.redundant} compulsory redundancies" in text
    for v in (t.net_cost, t.cost_of_avoiding, t.redundancy_cost_avoided):
        assert f"{v:,.0f}" in text
    for o in redeployment.redundancies:
        assert o.person in text and o.reason in text


def test_html_is_escaped():
    from staffpool.html import pool_html

    pool = staffpool.Pool(periods=1, name="<script>x</script>")
    pool.add_partner("P&Q", "P <&> Q", population=10)
    text = pool_html(pool)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "P &lt;&amp;&gt; Q" in text


# ---- the generated notebooks -------------------------------------------------------------------

def test_generated_notebooks_are_up_to_date():
    """notebooks/02, 03 and 05 are written by tools/make_notebooks.py (which they use: plots and
    the HTML summaries); edit the generator, not the notebooks."""
    pytest.importorskip("nbformat")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, os.path.join(root, "tools", "make_notebooks.py"),
                          "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# ---- rota chart --------------------------------------------------------------------------------

def _small_rota_result():
    from staffpool.rota import Rota

    rota = Rota(days=7, first_weekday=0)
    rota.add_shift("E", length=480)
    rota.add_shift("N", length=600)
    rota.forbid_succession("N", "E")
    for person in ("ann", "bob", "cat"):
        rota.add_person(person, max_consecutive=5)
    for day in range(7):
        rota.set_cover(day, "E", requirement=1, under_weight=100, over_weight=1)
        rota.set_cover(day, "N", requirement=1, under_weight=100, over_weight=1)
    return rota.solve(time_limit=30)


def test_rota_chart_colours_every_worked_shift(tmp_path):
    result = _small_rota_result()
    ax = plots.rota_chart(result)
    render(ax, tmp_path, "rota")
    people, shifts, cells = plots.rota_grid(result)
    assert people == ["ann", "bob", "cat"]
    assert len(cells) == len(result.assignments) == 14  # both shifts covered every day
    image = ax.images[0].get_array()
    assert image.shape == (3, 7)
    assert int((~image.mask).sum()) == 14  # one coloured cell per worked shift, none elsewhere
    for a in result.assignments:
        row = people.index(a.person)
        assert shifts[int(image[row, a.day])] == a.shift
    assert ax.get_title() == "Rota: 3 people, 7 days, 14 shifts"


def test_rota_html_carries_status_parts_and_people():
    from staffpool import html

    result = _small_rota_result()
    text = html.rota_html(result)
    assert result._repr_html_() == text  # what a notebook shows
    assert f"{len(result.assignments)} shifts" in text
    assert "cover: every requirement met" in text  # 3 people can cover 2 posts a day for a week
    for p in result.people:
        assert f"<td>{p.person}</td><td>{p.shifts}</td>" in text
    assert text.count("<tr>") == 1 + len(result.people)  # header + one row per person
