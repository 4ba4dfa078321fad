/* Fix-and-optimise (large neighbourhood search) over windows of binaries: the builder names a
 * window (sp_mip_set_window, e.g. the partner binaries of the people who could serve the worst
 * served partners), every other binary is held at the stage's best plan, and the window is
 * searched: first by its LP (which may show that no plan in it is better), then by rounding that
 * LP, by an LP dive, and by a short GLPK branch-and-bound. A window proved without a better plan
 * grows; one whose search runs out of time shrinks. Earlier terms stay frozen throughout (their
 * rows are in the LP), so every plan found keeps the lexicographic order. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Budget of one window's branch-and-bound, seconds; a whole window (LP, dive, branch-and-bound)
 * gets twice this. Pool M seed 3's one better plan came from a dive of 6 s under load. */
#define WINDOW_SECONDS 4.0
/* Fewer units (people, rules) than this to choose from: no windows. Windows of 4 and 7 reach
 * half of them at once, and branch-and-cut over the whole stage is as cheap (pool S: ~15
 * limited people, two windows of ~1 s each that never found a better plan; pool M: ~35). */
#define MIN_UNITS 20
/* Windows in a row without a better plan before the search gives up. */
#define STALE_WINDOWS 6

static void on_window_branch(glp_tree *tree, void *info)
{
    run *r = info;
    if (glp_ios_reason(tree) == GLP_IHEUR && !r->start_given) {
        glp_ios_heur_sol(tree, r->heur_x); /* feasible: the window's fixed binaries are its own */
        r->start_given = 1;
    }
    if (sp_mipx_should_stop(r) || sp_now() >= r->window_deadline)
        glp_ios_terminate(tree);
}

/* Holds every movable binary outside the window at the best plan's value. */
static void fix_outside(run *r, const sp_mip *mip, const unsigned char *window)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        if (!mip->col_binary[j] || window[j] || sp_mipx_pinned(r, mip, j))
            continue;
        double v = r->heur_x[j + 1] >= 0.5 ? 1.0 : 0.0;
        glp_set_col_bnds(r->lp, (int)j + 1, GLP_FX, v, v);
    }
}

/* The window's LP by the primal simplex (from the best plan's basis when there is one: it stays
 * primal feasible, only binaries were released), pricing columns in. Returns 1 when optimal. */
static int solve_window_lp(run *r, const sp_mip *mip)
{
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    smcp.meth = GLP_PRIMAL;
    r->slice_cap = 0;
    int ret = sp_mipx_run_simplex(r, &smcp);
    while (ret == 0 && glp_get_status(r->lp) == GLP_OPT && r->n_inactive &&
           sp_mipx_price_columns(r, mip, 2) > 0 && !sp_mipx_should_stop(r))
        ret = sp_mipx_run_simplex(r, &smcp);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(r->lp);
        ret = sp_mipx_run_simplex(r, &smcp);
    }
    return ret == 0 && glp_get_status(r->lp) == GLP_OPT;
}

/* A plan found in a window becomes the stage's best; its fixed-binaries LP then gives it the
 * basis the next window starts from (and may lower it a little more). */
static void take_plan(run *r, const sp_mip *mip, int term, double value)
{
    size_t n = mip->n_cols;
    for (size_t j = 1; j <= n; j++)
        r->heur_x[j] = glp_mip_col_val(r->lp, (int)j);
    r->heur_value = value;
    r->heur_basis_valid = 0;
    memcpy(r->lp_x, r->heur_x, (n + 1) * sizeof *r->lp_x);
    sp_mipx_improve_by_fixing(r, mip, term, r->lp_x);
}

/* LP diving in the window: the window's fractional binary nearest to 1 is fixed at 1 (at 0 when
 * that makes the LP infeasible: the frozen terms out of reach), the LP solved again, until the
 * window is integral; that point is a plan. The primal simplex does each step from the last
 * basis; GLPK's branch-and-cut, whose dual simplex is slow on these LPs (pool M: seconds per
 * node), then only has to prove. Leaves the window's binaries fixed; returns 1 with a plan in
 * r->x. */
static int dive(run *r, const sp_mip *mip, const unsigned char *window, double end)
{
    for (;;) {
        if (sp_now() >= end || sp_mipx_should_stop(r))
            return 0;
        int pick = -1;
        double best = -1.0;
        for (size_t j = 0; j < mip->n_cols; j++) {
            if (!window[j] || !mip->col_binary[j] || glp_get_col_type(r->lp, (int)j + 1) == GLP_FX)
                continue;
            double v = glp_get_col_prim(r->lp, (int)j + 1);
            if (v > 1e-6 && v < 1.0 - 1e-6 && v > best)
                best = v, pick = (int)j + 1;
        }
        if (pick < 0)
            break; /* the window is integral */
        glp_set_col_bnds(r->lp, pick, GLP_FX, 1.0, 1.0);
        if (!solve_window_lp(r, mip)) {
            glp_set_col_bnds(r->lp, pick, GLP_FX, 0.0, 0.0);
            if (!solve_window_lp(r, mip))
                return 0;
        }
    }
    size_t n = mip->n_cols;
    for (size_t j = 1; j <= n; j++)
        r->x[j] = glp_get_col_prim(r->lp, (int)j);
    for (size_t j = 0; j < n; j++) /* exact integers for an incumbent */
        if (mip->col_binary[j])
            r->x[j + 1] = r->x[j + 1] >= 0.5 ? 1.0 : 0.0;
    return 1;
}

typedef enum { WINDOW_NONE, WINDOW_BETTER, WINDOW_EXHAUSTED, WINDOW_TIMED_OUT } window_outcome;

/* Searches one window (marked in `window`) for a plan better than the best; the binaries get
 * their own bounds back before it returns. */
static window_outcome search_window(run *r, const sp_mip *mip, int term,
                                    const unsigned char *window, double end)
{
    double before = r->heur_value, tol = sp_mipx_tolerance(r, mip, before);
    if (r->heur_basis_valid)
        sp_mipx_set_basis(r, r->heur_basis);
    fix_outside(r, mip, window);
    window_outcome outcome = WINDOW_TIMED_OUT;
    if (!solve_window_lp(r, mip))
        goto done;
    double lp_bound = glp_get_obj_val(r->lp);
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: window LP %.6g (%.2f s)\n", lp_bound, sp_now() - r->started);
    if (lp_bound >= before - tol) {
        outcome = WINDOW_EXHAUSTED; /* the window's relaxation cannot beat the plan */
        goto done;
    }
    /* The window's relaxation rounded (the builder's repair sets the binaries from its hours). */
    for (size_t j = 1; j <= mip->n_cols; j++)
        r->lp_x[j] = glp_get_col_prim(r->lp, (int)j);
    sp_mipx_improve_by_fixing(r, mip, term, r->lp_x); /* unfixes every binary on its way out */
    if (r->heur_value < before - tol) {
        outcome = WINDOW_BETTER;
        goto done;
    }
    if (sp_now() >= end || sp_mipx_should_stop(r))
        goto done;
    fix_outside(r, mip, window);
    if (!solve_window_lp(r, mip))
        goto done;
    if (dive(r, mip, window, end)) {
        double value = sp_mipx_term_value(mip, term, r->x);
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: window dive %.6g (%.2f s)\n", value, sp_now() - r->started);
        if (value < r->heur_value - tol) {
            sp_mipx_unfix_binaries(r, mip);
            memcpy(r->lp_x, r->x, (mip->n_cols + 1) * sizeof *r->lp_x);
            sp_mipx_improve_by_fixing(r, mip, term, r->lp_x);
            outcome = WINDOW_BETTER;
            goto done;
        }
    }
    sp_mipx_unfix_binaries(r, mip);
    if (sp_now() >= end || sp_mipx_should_stop(r))
        goto done;
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: window rounded %.6g (%.2f s)\n", r->heur_value,
                sp_now() - r->started);
    fix_outside(r, mip, window);
    if (!solve_window_lp(r, mip)) /* glp_intopt starts from the LP optimum */
        goto done;
    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = r->log_level >= 3 ? GLP_MSG_ON : GLP_MSG_OFF;
    iocp.presolve = GLP_OFF;
    iocp.br_tech = GLP_BR_PCH;
    /* no cuts: on pool M's LP their generation took the whole budget at the root */
    iocp.mip_gap = r->rel_gap;
    r->window_deadline = fmin(end, sp_now() + WINDOW_SECONDS);
    double ms = (r->window_deadline - sp_now()) * 1000.0;
    iocp.tm_lim = ms <= 0 ? 0 : (int)ms;
    if (iocp.tm_lim > sp_mipx_remaining_ms(r))
        iocp.tm_lim = sp_mipx_remaining_ms(r);
    iocp.cb_func = on_window_branch;
    iocp.cb_info = r;
    r->start_given = 0;
    int ret = glp_intopt(r->lp, &iocp);
    int status = glp_mip_status(r->lp);
    if ((status == GLP_OPT || status == GLP_FEAS) && glp_mip_obj_val(r->lp) < r->heur_value - tol) {
        sp_mipx_unfix_binaries(r, mip);
        take_plan(r, mip, term, glp_mip_obj_val(r->lp));
    }
    outcome = r->heur_value < before - tol    ? WINDOW_BETTER
              : ret == 0 && status == GLP_OPT ? WINDOW_EXHAUSTED
                                              : WINDOW_TIMED_OUT;
done:
    sp_mipx_unfix_binaries(r, mip);
    return outcome;
}

/* Whether this stage has windows worth searching: the builder names MIN_UNITS units or more. */
int sp_mipx_has_windows(run *r, const sp_mip *mip, int term)
{
    if (!mip->window || !r->have_heur)
        return 0;
    unsigned char *window = calloc(mip->n_cols ? mip->n_cols : 1, 1);
    if (!window)
        return 0;
    size_t units = mip->window(mip->repair_ctx, r->heur_x, term, 0, 1, window);
    free(window);
    return units >= MIN_UNITS;
}

/* Fix-and-optimise from the stage's best plan until `end`, the stage's gap closes against
 * r->best_bound, or windows stop paying: a window of half the units or more (then branch-and-cut
 * over the whole stage costs about as much, and proves), or STALE_WINDOWS windows in a row
 * without a better plan. */
void sp_mipx_improve_by_windows(run *r, const sp_mip *mip, int term, double end)
{
    if (!mip->window || !r->have_heur)
        return;
    unsigned char *window = malloc(mip->n_cols ? mip->n_cols : 1);
    if (!window)
        return; /* only a heuristic: the stage goes on without it */
    double saved_deadline = r->stage_deadline;
    size_t size = 4, stale = 0;
    for (unsigned round = 0;
         sp_now() < end && !sp_mipx_should_stop(r) && !sp_mipx_gap_closed(r, mip, r->best_bound);
         round++) {
        memset(window, 0, mip->n_cols);
        size_t units = mip->window(mip->repair_ctx, r->heur_x, term, round, size, window);
        if (!units || 2 * size > units || units < MIN_UNITS)
            break; /* no windows for this term, too few units, or windows of half the whole */
        double start = sp_now(), before = r->heur_value;
        double window_end = fmin(end, start + 2.0 * WINDOW_SECONDS);
        r->stage_deadline = window_end; /* the window's LPs stop here too */
        window_outcome outcome = search_window(r, mip, term, window, window_end);
        if (r->log_level >= 2)
            fprintf(stderr,
                    "staffpool: stage %d window %u, %zu of %zu: %s, %.6g -> %.6g (%.2f s)\n",
                    term + 1, round, size, units,
                    outcome == WINDOW_BETTER      ? "better"
                    : outcome == WINDOW_EXHAUSTED ? "no better plan"
                                                  : "stopped",
                    before, r->heur_value, sp_now() - start);
        if (outcome == WINDOW_BETTER) {
            stale = 0;
            sp_mipx_post_progress(r, 1, r->heur_value, r->best_bound);
            continue;
        }
        if (++stale >= STALE_WINDOWS)
            break;
        if (outcome == WINDOW_EXHAUSTED)
            size += size / 2 + 1;
        else if (size > 1)
            size -= size / 3 + (size > 2);
    }
    r->stage_deadline = saved_deadline;
    free(window);
}
