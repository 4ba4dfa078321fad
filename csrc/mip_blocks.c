/* The model's blocks (sp_mip_set_block) solved one by one, linking rows dropped: the first
 * LP's starting basis, and for the first stage a plan put together from the blocks' points
 * with a bound from their optima, before the whole LP is solved. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Solves block b of the model alone (its rows and columns, linking rows dropped) under the
 * current objective, and writes the optimal statuses of its rows and columns into stat_row and
 * stat_col (1-based, as in the whole LP). Returns 1 on success. */
static int solve_block(run *r, const sp_mip *mip, int b, int *row_map, int *col_map, int *stat_row,
                       int *stat_col)
{
    glp_prob *lp = r->lp;
    int n_rows = 0, n_cols = 0, n_coefs = 0;
    for (size_t i = 0; i < mip->n_rows; i++)
        row_map[i] = mip->row_block[i] == b ? ++n_rows : 0;
    for (size_t j = 0; j < mip->n_cols; j++)
        col_map[j] = mip->col_block[j] == b ? ++n_cols : 0;
    if (!n_rows || !n_cols)
        return 1;
    glp_prob *sub = r->subs ? r->subs[b] : NULL;
    if (sub) { /* the second pass: the first pass's optimum, columns forced to 0 */
        for (size_t j = 0; j < mip->n_cols; j++)
            if (col_map[j] && r->force_zero && r->force_zero[j])
                glp_set_col_bnds(sub, col_map[j], GLP_FX, 0.0, 0.0);
        goto solve;
    }
    sub = glp_create_prob();
    glp_set_obj_dir(sub, GLP_MIN);
    glp_add_rows(sub, n_rows);
    glp_add_cols(sub, n_cols);
    for (size_t i = 0; i < mip->n_rows; i++)
        if (row_map[i])
            glp_set_row_bnds(sub, row_map[i], glp_get_row_type(lp, (int)i + 1),
                             glp_get_row_lb(lp, (int)i + 1), glp_get_row_ub(lp, (int)i + 1));
    for (size_t j = 0; j < mip->n_cols; j++) {
        if (!col_map[j])
            continue;
        double lb = mip->col_lb[j], ub = mip->col_ub[j];
        if (mip->col_lazy[j] || (r->force_zero && r->force_zero[j])) /* priced in below */
            glp_set_col_bnds(sub, col_map[j], GLP_FX, 0.0, 0.0);
        else if (sp_mipx_held(r, mip, j))
            glp_set_col_bnds(sub, col_map[j], GLP_FX, lb, lb);
        else
            glp_set_col_bnds(sub, col_map[j],
                             ub == HUGE_VAL ? GLP_LO
                             : lb == ub     ? GLP_FX
                                            : GLP_DB,
                             lb, ub == HUGE_VAL ? 0.0 : ub);
        glp_set_obj_coef(sub, col_map[j], glp_get_obj_coef(lp, (int)j + 1));
    }
    for (size_t k = 0; k < mip->n_coefs; k++) {
        int i = row_map[mip->coef_row[k]], j = col_map[mip->coef_col[k]];
        if (i && j) {
            n_coefs++;
            r->ia[n_coefs] = i, r->ja[n_coefs] = j, r->ar[n_coefs] = mip->coef_value[k];
        }
    }
    glp_load_matrix(sub, n_coefs, r->ia, r->ja, r->ar);
    glp_scale_prob(sub, GLP_SF_AUTO);
    glp_adv_basis(sub, 0);
solve:;
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_OFF;
    smcp.meth = GLP_PRIMAL;
    int ok;
    for (;;) {
        smcp.tm_lim = sp_mipx_remaining_ms(r);
        ok = glp_simplex(sub, &smcp) == 0 && glp_get_status(sub) == GLP_OPT;
        if (!ok)
            break;
        size_t n = 0;
        for (size_t j = 0; j < mip->n_cols; j++)
            if (col_map[j] && mip->col_lazy[j] && glp_get_col_type(sub, col_map[j]) == GLP_FX &&
                !(r->force_zero && r->force_zero[j])) {
                double d = glp_get_col_dual(sub, col_map[j]);
                if (d < -1e-9)
                    r->pricing[n++] = (priced){d, mip->col_group[j], (int)j};
            }
        n = sp_mipx_best_per_group(r->pricing, n, 2);
        if (!n)
            break;
        for (size_t i = 0; i < n; i++) {
            int j = r->pricing[i].col;
            glp_set_col_bnds(sub, col_map[j], mip->col_ub[j] == HUGE_VAL ? GLP_LO : GLP_DB,
                             mip->col_lb[j], mip->col_ub[j] == HUGE_VAL ? 0.0 : mip->col_ub[j]);
        }
    }
    if (ok) {
        r->block_objective += glp_get_obj_val(sub);
        for (size_t j = 0; j < mip->n_cols; j++) /* the block's point, for a plan from blocks */
            if (col_map[j])
                r->relax_x[j + 1] = glp_get_col_prim(sub, col_map[j]);
        for (size_t i = 0; i < mip->n_rows; i++)
            if (row_map[i])
                stat_row[i + 1] = glp_get_row_stat(sub, row_map[i]);
        for (size_t j = 0; j < mip->n_cols; j++)
            if (col_map[j])
                stat_col[j + 1] = glp_get_col_stat(sub, col_map[j]);
    }
    if (r->subs)
        r->subs[b] = sub; /* kept for the second pass */
    else
        glp_delete_prob(sub);
    return ok;
}

/* Sets the whole LP's basis from its blocks' statuses: the linking rows' slacks basic, the
 * linking columns at a bound: a binary's value in `point` (1-based; may be NULL), otherwise
 * the bound the builder asked for. */
static void basis_from_blocks(run *r, const sp_mip *mip, const int *stat_row, const int *stat_col,
                              const double *point)
{
    glp_prob *lp = r->lp;
    for (size_t i = 1; i <= mip->n_rows; i++)
        glp_set_row_stat(lp, (int)i, stat_row[i] ? stat_row[i] : GLP_BS);
    for (size_t j = 1; j <= mip->n_cols; j++) {
        int stat = stat_col[j];
        if (stat == GLP_BS && !r->active[j])
            sp_mipx_activate(r, mip, (int)j, HUGE_VAL);
        if (!stat) /* a linking column */
            stat = point && mip->col_binary[j - 1] ? (point[j] >= 0.5 ? GLP_NU : GLP_NL)
                   : mip->col_start_upper[j - 1]   ? GLP_NU
                                                   : GLP_NL;
        int type = glp_get_col_type(lp, (int)j);
        if (stat != GLP_BS)
            stat = type == GLP_FX                     ? GLP_NS
                   : type == GLP_LO || type == GLP_FR ? GLP_NL
                   : stat == GLP_NS                   ? GLP_NL
                                                      : stat;
        glp_set_col_stat(lp, (int)j, stat);
    }
}

/* The blocks not solved (unsolved[b]) at their columns' lower bounds in r->relax_x, and the
 * least their objective can be (each column at the bound its cost prefers) added to
 * r->block_objective, so that it stays a bound. Returns 0 when a cost is unbounded below. */
static int blocks_at_lower_bounds(run *r, const sp_mip *mip, const unsigned char *unsolved)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        int b = mip->col_block[j];
        if (b < 0 || !unsolved[b])
            continue;
        double lb = mip->col_lb[j], ub = sp_mipx_held(r, mip, j) ? lb : mip->col_ub[j];
        double c = glp_get_obj_coef(r->lp, (int)j + 1);
        r->relax_x[j + 1] = lb;
        if (c < 0.0 && ub == HUGE_VAL)
            return 0;
        r->block_objective += c >= 0.0 ? c * lb : c * ub;
    }
    return 1;
}

/* Solves the blocks one by one (their points into r->relax_x, their optima added up in
 * r->block_objective, their statuses into stat_row / stat_col). With partial, a block is
 * started only while the time left covers the slowest block so far, and when the clock stops
 * the loop the blocks not reached are left at their lower bounds (blocks_at_lower_bounds).
 * Returns the number of blocks solved (all of them, or with partial at least one), or -1. */
static int solve_blocks(run *r, const sp_mip *mip, int partial, int *stat_row, int *stat_col)
{
    int *row_map = malloc((mip->n_rows + 1) * sizeof *row_map);
    int *col_map = malloc((mip->n_cols + 1) * sizeof *col_map);
    unsigned char *unsolved = malloc((size_t)mip->n_blocks);
    int ok = row_map && col_map && unsolved, solved = 0;
    double slowest = 0.0;
    if (ok)
        memset(unsolved, 1, (size_t)mip->n_blocks);
    for (int b = 0; ok && b < mip->n_blocks && !sp_mipx_should_stop(r); b++) {
        if (partial && r->deadline != HUGE_VAL && sp_now() + slowest > r->deadline)
            break;
        double t0 = sp_now();
        ok = solve_block(r, mip, b, row_map, col_map, stat_row, stat_col);
        slowest = fmax(slowest, sp_now() - t0);
        if (ok)
            unsolved[b] = 0, solved++;
    }
    if (solved < mip->n_blocks &&
        (!partial || !solved || !blocks_at_lower_bounds(r, mip, unsolved)))
        ok = 0;
    free(row_map), free(col_map), free(unsolved);
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: %d of %d blocks solved alone%s at %.2f s\n", solved,
                mip->n_blocks, ok ? "" : " (failed)", sp_now() - r->started);
    return ok ? solved : -1;
}

/* The first LP's starting basis from its blocks (see sp_mip_set_block): far fewer iterations
 * than from scratch, because GLPK's simplex slows down much faster than linearly with size (pool
 * M: one week's LP 0.6 s, thirteen weeks together 33 s). Returns 1 when the basis is set. */
int sp_mipx_block_start(run *r, const sp_mip *mip)
{
    if (mip->n_blocks < 2)
        return 0;
    int *stat_row = calloc(mip->n_rows + 1, sizeof *stat_row);
    int *stat_col = calloc(mip->n_cols + 1, sizeof *stat_col);
    int ok = stat_row && stat_col && solve_blocks(r, mip, 0, stat_row, stat_col) > 0;
    if (ok)
        basis_from_blocks(r, mip, stat_row, stat_col, NULL);
    free(stat_row), free(stat_col);
    return ok;
}

/* Whether term `term` adds up over the blocks: every column it costs belongs to a block. Then the
 * blocks' optima, linking rows dropped, add up to a bound on it. */
static int term_is_block_separable(const sp_mip *mip, int term)
{
    const sparse_vec *v = &mip->objective[term];
    for (size_t k = 0; k < v->n; k++)
        if (v->value[k] != 0.0 && mip->col_block[v->index[k]] < 0)
            return 0;
    return mip->n_blocks >= 2;
}

/* The blocks solved again with the binaries at their repaired values (r->lp_x): every linking
 * row that then reads "positive coefficients times columns <= 0" (e.g. x - M z <= 0 with z = 0)
 * keeps those columns at 0. With the binaries fixed the stage separates into its blocks, so the
 * points put together are optimal for those binaries. Leaves the points in r->relax_x, their
 * sum in r->block_objective and the whole LP's basis at them. Returns 1 on success. */
static int blocks_again_with_binaries(run *r, const sp_mip *mip, int term)
{
    (void)term;
    if (!r->force_zero && !(r->force_zero = calloc(mip->n_cols ? mip->n_cols : 1, 1)))
        return 0;
    double *rhs = malloc((mip->n_rows ? mip->n_rows : 1) * sizeof *rhs);
    unsigned char *all_positive = malloc(mip->n_rows ? mip->n_rows : 1);
    int *row_map = malloc((mip->n_rows + 1) * sizeof *row_map);
    int *col_map = malloc((mip->n_cols + 1) * sizeof *col_map);
    int *stat_row = calloc(mip->n_rows + 1, sizeof *stat_row);
    int *stat_col = calloc(mip->n_cols + 1, sizeof *stat_col);
    int ok = rhs && all_positive && row_map && col_map && stat_row && stat_col;
    size_t zeroed = 0;
    if (ok) {
        for (size_t i = 0; i < mip->n_rows; i++) {
            rhs[i] = mip->row_rhs[i];
            all_positive[i] = mip->row_block[i] < 0 && mip->row_type[i] == SP_ROW_LE;
        }
        for (size_t k = 0; k < mip->n_coefs; k++) {
            int i = mip->coef_row[k], j = mip->coef_col[k];
            if (mip->col_binary[j] || sp_mipx_held(r, mip, (size_t)j))
                rhs[i] -= mip->coef_value[k] * r->lp_x[j + 1];
            else if (mip->coef_value[k] <= 0.0 || mip->col_lb[j] != 0.0)
                all_positive[i] = 0;
        }
        memset(r->force_zero, 0, mip->n_cols);
        for (size_t k = 0; k < mip->n_coefs; k++) {
            int i = mip->coef_row[k], j = mip->coef_col[k];
            if (all_positive[i] && rhs[i] <= 1e-9 && !mip->col_binary[j] && !r->force_zero[j]) {
                r->force_zero[j] = 1;
                zeroed++;
            }
        }
        r->block_objective = 0.0;
        for (int b = 0; ok && b < mip->n_blocks && !sp_mipx_should_stop(r); b++)
            ok = solve_block(r, mip, b, row_map, col_map, stat_row, stat_col);
        ok = ok && !sp_mipx_should_stop(r);
        /* The whole LP then starts at the plan (binaries at the plan's values), next to
         * feasible for the later stages, rather than at the first pass's point (pool L: the
         * fairness LP from there did not finish in 45 s). */
        if (ok)
            basis_from_blocks(r, mip, stat_row, stat_col, r->lp_x);
    }
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: %zu columns kept at 0 by the binaries\n", zeroed);
    free(r->force_zero);
    r->force_zero = NULL;
    free(rhs), free(all_positive), free(row_map), free(col_map), free(stat_row), free(stat_col);
    return ok;
}

static void drop_subs(run *r, const sp_mip *mip)
{
    if (!r->subs)
        return;
    for (int b = 0; b < mip->n_blocks; b++)
        if (r->subs[b])
            glp_delete_prob(r->subs[b]);
    free(r->subs);
    r->subs = NULL;
}

/* The first stage from its blocks, before the whole LP: each block solved alone (which also
 * starts the whole LP), their points put together and repaired by the builder into a plan (the
 * linking rows, e.g. partner limits, were dropped), checked, and the blocks' optima added up to
 * a bound. On the largest pools the whole LP takes minutes; this gives the stage a plan and an
 * honest gap within the time the blocks take. Returns the bound, or -HUGE_VAL. */
double sp_mipx_plan_from_blocks(run *r, const sp_mip *mip, int term)
{
    if (r->basis || r->block_started || !term_is_block_separable(mip, term) ||
        !sp_mipx_has_repair(mip))
        return -HUGE_VAL;
    double start = sp_now();
    r->block_objective = 0.0;
    r->subs = calloc((size_t)mip->n_blocks, sizeof *r->subs); /* NULL: solved cold twice */
    /* All blocks: they also start the whole LP. Only some before the clock stops them (pool XL:
     * 52 weeks of ~10 s each on this machine): a plan with the other weeks left unplanned, and
     * a bound that counts them at their least. */
    int *stat_row = calloc(mip->n_rows + 1, sizeof *stat_row);
    int *stat_col = calloc(mip->n_cols + 1, sizeof *stat_col);
    int solved = stat_row && stat_col ? solve_blocks(r, mip, 1, stat_row, stat_col) : -1;
    int complete = solved == mip->n_blocks;
    if (complete)
        basis_from_blocks(r, mip, stat_row, stat_col, NULL);
    free(stat_row), free(stat_col);
    if (solved < 0) {
        drop_subs(r, mip);
        return -HUGE_VAL;
    }
    r->block_started = 1; /* not again for the whole LP: all solved, or no time for more */
    memcpy(r->lp_x, r->relax_x, (mip->n_cols + 1) * sizeof *r->lp_x);
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: blocks' point before repair: %.6g\n",
                sp_mipx_term_value(mip, term, r->lp_x));
    sp_mipx_call_repair(r, mip, r->lp_x);
    for (size_t j = 0; j < mip->n_cols; j++)
        if (sp_mipx_held(r, mip, j))
            r->lp_x[j + 1] = mip->col_lb[j];
    int feasible = sp_mipx_is_feasible(r, mip, r->lp_x);
    if (feasible) {
        memcpy(r->heur_x, r->lp_x, (mip->n_cols + 1) * sizeof *r->lp_x);
        r->heur_value = sp_mipx_term_value(mip, term, r->heur_x);
        r->have_heur = 1;
    }
    double bound = r->block_objective;
    if (complete && !sp_mipx_gap_closed(r, mip, bound) && !sp_mipx_should_stop(r) &&
        blocks_again_with_binaries(r, mip, term)) {
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: blocks again, the repaired binaries fixed: %.6g\n",
                    r->block_objective);
        memcpy(r->lp_x, r->relax_x, (mip->n_cols + 1) * sizeof *r->lp_x);
        sp_mipx_call_repair(r, mip, r->lp_x);
        for (size_t j = 0; j < mip->n_cols; j++)
            if (sp_mipx_held(r, mip, j))
                r->lp_x[j + 1] = mip->col_lb[j];
        double value = sp_mipx_term_value(mip, term, r->lp_x);
        if ((!r->have_heur || value < r->heur_value) && sp_mipx_is_feasible(r, mip, r->lp_x)) {
            memcpy(r->heur_x, r->lp_x, (mip->n_cols + 1) * sizeof *r->lp_x);
            r->heur_value = value;
            r->have_heur = feasible = 1;
        }
    }
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: stage %d from blocks: bound %.6g, plan %.6g (%.2f s)\n",
                term + 1, bound, feasible ? r->heur_value : HUGE_VAL, sp_now() - start);
    drop_subs(r, mip);
    /* on L, the first news in a minute */
    sp_mipx_post_progress(r, r->have_heur, r->heur_value, bound);
    return bound;
}
