/* Which columns the LP has, and with what bounds: columns held until their stage and released
 * at it, lazy columns priced in by their reduced costs, capped before branching, given their
 * bounds back after it, and the unused ones taken out again between stages. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Whether column j (0-based) is held at its lower bound in the current stage. */
int sp_mipx_held(const run *r, const sp_mip *mip, size_t j)
{
    return mip->col_first_term[j] > r->term;
}

/* Gives the columns whose first stage is `term` their own bounds. */
void sp_mipx_release_columns(run *r, const sp_mip *mip, int term)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        if (mip->col_first_term[j] != term || term == 0)
            continue;
        double lb = mip->col_lb[j], ub = mip->col_ub[j];
        glp_set_col_bnds(r->lp, (int)j + 1,
                         ub == HUGE_VAL ? GLP_LO
                         : lb == ub     ? GLP_FX
                                        : GLP_DB,
                         lb, ub == HUGE_VAL ? 0.0 : ub);
    }
}

/* Puts column j (1-based) into the LP with its own bounds, or, when `ub` is smaller, with `ub`. */
void sp_mipx_activate(run *r, const sp_mip *mip, int j, double ub)
{
    double lb = mip->col_lb[j - 1], own_ub = mip->col_ub[j - 1];
    if (ub > own_ub)
        ub = own_ub;
    if (ub == HUGE_VAL)
        glp_set_col_bnds(r->lp, j, GLP_LO, lb, 0.0);
    else
        glp_set_col_bnds(r->lp, j, ub > lb ? GLP_DB : GLP_FX, lb, ub);
    r->active[j] = 1;
    r->n_inactive--;
}

static int cmp_priced(const void *a, const void *b)
{
    const priced *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->reduced_cost != y->reduced_cost)
        return x->reduced_cost < y->reduced_cost ? -1 : 1;
    return x->col - y->col; /* ties by column: deterministic */
}

/* Keeps, of the priced columns in list[0..n), the `per_group` most negative of each group, in
 * place; returns how many are kept. */
size_t sp_mipx_best_per_group(priced *list, size_t n, int per_group)
{
    qsort(list, n, sizeof *list, cmp_priced);
    size_t kept = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && list[end].group == list[i].group)
            end++;
        for (size_t k = i; k < end && k < i + (size_t)per_group; k++)
            list[kept++] = list[k];
        i = end;
    }
    return kept;
}

/* One pricing round: brings in the inactive columns whose reduced cost is negative, at most
 * `per_group` of each group, most negative first. Returns how many came in. */
size_t sp_mipx_price_columns(run *r, const sp_mip *mip, int per_group)
{
    size_t n = 0;
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (r->active[j])
            continue;
        double d = glp_get_col_dual(r->lp, (int)j);
        if (d < -1e-9)
            r->pricing[n++] = (priced){d, mip->col_group[j - 1], (int)j};
    }
    n = sp_mipx_best_per_group(r->pricing, n, per_group);
    for (size_t i = 0; i < n; i++)
        sp_mipx_activate(r, mip, r->pricing[i].col, HUGE_VAL);
    return n;
}

/* Gives every active lazy column its own bounds back: caps from one stage's reduced costs do not
 * hold in the next. */
void sp_mipx_uncap_columns(run *r, const sp_mip *mip)
{
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (mip->col_lazy[j - 1] && r->active[j]) {
            r->active[j] = 0;
            r->n_inactive++;
            sp_mipx_activate(r, mip, (int)j, HUGE_VAL);
        }
    }
}

/* After a stage: lazy columns the plan (keep_x) does not use and neither kept basis has in it go
 * out of the LP again, to be priced back in when the next stage's duals ask for them. Branching
 * brings every column in, and they would otherwise stay: the later stages' LPs then carried all of
 * them (pool M: 98k columns, ~3.5 ms per simplex iteration against well under 1 ms). */
void sp_mipx_deactivate_unused(run *r, const sp_mip *mip, const double *keep_x)
{
    int rows = r->basis ? r->basis[0] : 0, plan_rows = r->plan_basis_valid ? r->plan_basis[0] : 0;
    size_t dropped = 0;
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (!mip->col_lazy[j - 1] || !r->active[j] || keep_x[j] != 0.0)
            continue;
        if ((r->basis && r->basis[rows + j] == GLP_BS) ||
            (r->plan_basis_valid && r->plan_basis[plan_rows + j] == GLP_BS) ||
            glp_get_col_stat(r->lp, (int)j) == GLP_BS)
            continue;
        glp_set_col_bnds(r->lp, (int)j, GLP_FX, 0.0, 0.0);
        r->active[j] = 0;
        r->n_inactive++;
        dropped++;
    }
    if (r->log_level >= 3 && dropped)
        fprintf(stderr, "staffpool: %zu unused columns out of the LP again\n", dropped);
}

/* Before branching: every column comes in, so that the search and its bound cover the whole
 * problem; a column whose reduced cost d > 0 cannot exceed (incumbent - bound) / d in any better
 * solution, which caps it. */
void sp_mipx_activate_all(run *r, const sp_mip *mip, double incumbent, double bound)
{
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (r->active[j])
            continue;
        double d = glp_get_col_dual(r->lp, (int)j), ub = HUGE_VAL;
        if (d > 0 && incumbent < HUGE_VAL)
            ub = (incumbent - bound) / d;
        sp_mipx_activate(r, mip, (int)j, ub);
    }
}
