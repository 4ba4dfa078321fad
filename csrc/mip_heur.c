/* Plans before branching: the builder's repair hook, the fixing heuristic (binaries fixed, the
 * rest an LP) from the previous stage's plan, the caller's start solution or the relaxation, and
 * the check a point built outside an LP must pass before GLPK takes it. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the builder gave a repair hook, and calling it for the current stage. */
int sp_mipx_has_repair(const sp_mip *mip)
{
    return mip->repair || mip->repair_term;
}

void sp_mipx_call_repair(const run *r, const sp_mip *mip, double *x1)
{
    if (mip->repair_term)
        mip->repair_term(mip->repair_ctx, x1, r->term);
    else
        mip->repair(mip->repair_ctx, x1);
}

/* A fixed-binaries LP from the relaxation's rounding that needs more iterations than this (in
 * slices) is usually infeasible (the frozen terms) and on its way to proving it; the time is
 * better spent branching. From a plan the LP is feasible and runs to the stage's window. */
#define HEURISTIC_LP_SLICES 5

/* Whether column j cannot move in this stage: held until a later one, or fixed by its bounds. */
int sp_mipx_pinned(const run *r, const sp_mip *mip, size_t j)
{
    return sp_mipx_held(r, mip, j) || mip->col_lb[j] == mip->col_ub[j];
}

/* A binary's own bounds back, after a heuristic fixed it. */
static void set_binary_bounds(run *r, const sp_mip *mip, size_t j)
{
    double lb = mip->col_lb[j], ub = mip->col_ub[j];
    glp_set_col_bnds(r->lp, (int)j + 1, lb == ub ? GLP_FX : GLP_DB, lb, ub);
}

static int released_now(const run *r, const sp_mip *mip, size_t j)
{
    return r->term > 0 && mip->col_first_term[j] == r->term;
}

/* Fixes every binary at `values` (rounded) and solves the LP over the continuous columns; on
 * success leaves the point in r->x and returns 1. With fix_released 0, the binaries released in
 * this stage stay relaxed: the point is then not an incumbent, only where the next rounding
 * starts. */
static int solve_with_binaries_fixed(run *r, const sp_mip *mip, const double *values,
                                     int fix_released)
{
    size_t n = mip->n_cols;
    for (size_t j = 0; j < n; j++) {
        if (mip->col_binary[j] && !sp_mipx_pinned(r, mip, j) &&
            (fix_released || !released_now(r, mip, j))) {
            double v = values[j + 1] >= 0.5 ? 1.0 : 0.0;
            glp_set_col_bnds(r->lp, (int)j + 1, GLP_FX, v, v);
        }
    }
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    /* Primal, not dual: after fixing the binaries of another plan (the previous stage's) the dual
     * simplex took 5,000+ iterations (5 s on pool S) where the primal takes 0.7 s. */
    smcp.meth = GLP_PRIMAL;
    /* From the relaxation's rounding, once a plan is in hand (later stages), the frozen terms
     * make the LP infeasible more often than not (pool M: 4-5 s lost per stage): one slice. */
    r->slice_cap = !r->rounding_relaxation       ? 0
                   : r->term > 0 && r->have_heur ? 1
                                                 : HEURISTIC_LP_SLICES;
    int ret = sp_mipx_run_simplex(r, &smcp);
    /* Columns out of the LP are priced in here too: the plan these binaries allow may need
     * people the relaxation never used (pool S, resilience: 0.048 without, 0 with). */
    while (ret == 0 && glp_get_status(r->lp) == GLP_OPT && r->n_inactive &&
           sp_mipx_price_columns(r, mip, 2) > 0 && !sp_mipx_should_stop(r))
        ret = sp_mipx_run_simplex(r, &smcp);
    r->slice_cap = 0;
    /* Stopped early in phase 2, the primal simplex's point is still feasible, and better than
     * where it started: a plan, if not the best one for these binaries. */
    int ok = glp_get_status(r->lp) == GLP_OPT ? (ret == 0 ? 1 : 0)
             : glp_get_status(r->lp) == GLP_FEAS && (ret == GLP_EITLIM || ret == GLP_ETMLIM) ? 2
                                                                                             : 0;
    if (ok) {
        for (size_t j = 1; j <= n; j++)
            r->x[j] = glp_get_col_prim(r->lp, (int)j);
        for (size_t j = 0; j < n; j++) /* exact integers for GLPK's incumbent */
            if (mip->col_binary[j] && (fix_released || !released_now(r, mip, j)))
                r->x[j + 1] = sp_mipx_pinned(r, mip, j) ? mip->col_lb[j]
                              : values[j + 1] >= 0.5    ? 1.0
                                                        : 0.0;
    }
    sp_mipx_unfix_binaries(r, mip);
    return ok;
}

/* Every binary that can move in this stage gets its own bounds back. */
void sp_mipx_unfix_binaries(run *r, const sp_mip *mip)
{
    for (size_t j = 0; j < mip->n_cols; j++)
        if (mip->col_binary[j] && !sp_mipx_pinned(r, mip, j))
            set_binary_bounds(r, mip, j);
}

/* A primal heuristic for MIP stages, started from `start`: fix the binaries (after the builder's
 * repair, which sets them from the hours), solve the LP of the rest, repair again from the new
 * hours, and repeat while the objective improves. The binaries mark who serves whom; once they are
 * fixed the hours are an LP, which GLPK solves far faster than it branches. Keeps the best point
 * in r->heur_x. */
void sp_mipx_improve_by_fixing(run *r, const sp_mip *mip, int term, const double *start)
{
    size_t n = mip->n_cols;
    if (start != r->lp_x)
        memcpy(r->lp_x, start, (n + 1) * sizeof *r->lp_x);
    for (int round = 0; round < 5 && !sp_mipx_should_stop(r) && sp_now() < r->stage_deadline;
         round++) {
        if (sp_mipx_has_repair(mip))
            sp_mipx_call_repair(r, mip, r->lp_x);
        double round_start = sp_now();
        int solved = solve_with_binaries_fixed(r, mip, r->lp_x, 1);
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: fix-and-LP round %d: %s, %.6g (%.2f s)\n", round,
                    solved == 1 ? "solved"
                    : solved    ? "stopped"
                                : "failed",
                    solved ? sp_mipx_term_value(mip, term, r->x) : HUGE_VAL,
                    sp_now() - round_start);
        if (!solved)
            return;
        double value = sp_mipx_term_value(mip, term, r->x);
        int better = !r->have_heur || value < r->heur_value - 1e-9 * fmax(1.0, fabs(value));
        if (better) {
            memcpy(r->heur_x, r->x, (n + 1) * sizeof *r->x);
            r->heur_value = value;
            r->have_heur = 1;
            sp_mipx_copy_basis(r, &r->heur_basis);
            r->heur_basis_valid = 1;
        }
        if (!better || !sp_mipx_has_repair(mip) || solved == 2)
            return;
        memcpy(r->lp_x, r->x, (n + 1) * sizeof *r->x);
    }
}

/* The fixing heuristic from the previous stage's plan, whose binaries keep every frozen term
 * reachable. The LP starts from that plan's basis when it came from this heuristic (then it is
 * primal feasible at once: only the objective changed). Binaries released in this stage (e.g.
 * resilience depth) were held at 0 in that plan; they are first solved relaxed, with the plan's
 * other binaries fixed, and rounded from the hours that LP gives. */
void sp_mipx_improve_from_plan(run *r, const sp_mip *mip, int term)
{
    size_t n = mip->n_cols;
    /* The plan itself, repaired, is this stage's first incumbent, whatever the LPs below do. */
    sp_mipx_repaired_start(r, mip);
    memcpy(r->heur_x, r->lp_x, (n + 1) * sizeof *r->lp_x);
    r->heur_value = sp_mipx_term_value(mip, term, r->heur_x);
    r->have_heur = 1;
    r->heur_basis_valid = 0;
    memcpy(r->lp_x, r->prev_x, (n + 1) * sizeof *r->lp_x);
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: previous plan: %.6g%s\n", r->heur_value,
                r->plan_basis_valid ? ", with its basis" : "");
    if (r->plan_basis_valid)
        sp_mipx_set_basis(r, r->plan_basis);
    int releases = 0;
    for (size_t j = 0; j < n && !releases; j++)
        releases = mip->col_binary[j] && released_now(r, mip, j);
    if (releases) {
        if (sp_mipx_has_repair(mip))
            sp_mipx_call_repair(r, mip, r->lp_x);
        double start = sp_now();
        int solved = solve_with_binaries_fixed(r, mip, r->lp_x, 0);
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: new binaries relaxed: %s (%.2f s)\n",
                    solved ? "solved" : "failed", sp_now() - start);
        if (solved)
            memcpy(r->lp_x, r->x, (n + 1) * sizeof *r->x);
    }
    sp_mipx_improve_by_fixing(r, mip, term, r->lp_x);
}

/* How far above its bound a plan of value `value` may be for the current stage to count as
 * solved: the relative gap asked, of |value| or of the term's unit when that is larger. */
double sp_mipx_tolerance(const run *r, const sp_mip *mip, double value)
{
    return r->rel_gap * fmax(fmax(fabs(value), mip->term_unit[r->term]), 1e-9);
}

/* Whether the heuristic's plan is already within the gap of `bound`. */
int sp_mipx_gap_closed(const run *r, const sp_mip *mip, double bound)
{
    return r->have_heur && r->heur_value - bound <= sp_mipx_tolerance(r, mip, r->heur_value);
}

/* The previous stage's plan as this stage's first incumbent, after the builder's repair (which
 * sets auxiliary columns that had no cost before, e.g. a maximum, to their true values), held
 * columns at their lower bound. Uses r->lp_x. */
const double *sp_mipx_repaired_start(run *r, const sp_mip *mip)
{
    memcpy(r->lp_x, r->prev_x, (mip->n_cols + 1) * sizeof *r->lp_x);
    if (sp_mipx_has_repair(mip))
        sp_mipx_call_repair(r, mip, r->lp_x);
    for (size_t j = 0; j < mip->n_cols; j++)
        if (sp_mipx_held(r, mip, j))
            r->lp_x[j + 1] = mip->col_lb[j];
    return r->lp_x;
}

/* Whether x1 (1-based) satisfies every bound, integrality, row and frozen term of the current
 * stage, to a tolerance of 1e-6 relative: GLPK takes incumbents on trust, so a point built
 * outside an LP (a plan from the blocks) is checked here first. */
int sp_mipx_is_feasible(run *r, const sp_mip *mip, const double *x1)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        double v = x1[j + 1], lb = mip->col_lb[j];
        double ub = sp_mipx_held(r, mip, j) ? mip->col_lb[j] : mip->col_ub[j];
        if (!(v >= lb - 1e-9 * fmax(1.0, fabs(lb))) || !(v <= ub + 1e-9 * fmax(1.0, fabs(ub))))
            return 0;
        if (mip->col_binary[j] && v != 0.0 && v != 1.0)
            return 0;
    }
    double *activity = calloc(mip->n_rows + 1, sizeof *activity);
    if (!activity)
        return 0;
    for (size_t k = 0; k < mip->n_coefs; k++)
        activity[mip->coef_row[k]] += mip->coef_value[k] * x1[mip->coef_col[k] + 1];
    int ok = 1;
    for (size_t i = 0; i < mip->n_rows && ok; i++) {
        double rhs = mip->row_rhs[i], tol = 1e-6 * fmax(1.0, fabs(rhs));
        int type = mip->row_type[i];
        if ((type != SP_ROW_GE && activity[i] > rhs + tol) ||
            (type != SP_ROW_LE && activity[i] < rhs - tol))
            ok = 0;
    }
    free(activity);
    for (int t = 0; t < r->term && ok; t++)
        ok = sp_mipx_term_value(mip, t, x1) <= r->frozen[t] + 1e-6 * fmax(1.0, fabs(r->frozen[t]));
    return ok;
}
