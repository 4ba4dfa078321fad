/* The GLPK problem of a run and its LPs: loading the model, the objective of a stage and the
 * rows that freeze earlier terms, the simplex in slices, bases kept and set again, and the LP
 * relaxation of a stage by column generation. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Loads the model into GLPK; returns SP_EINVAL when the model file cannot be written. */
int sp_mipx_load_problem(run *r, const sp_mip *mip)
{
    glp_prob *lp = r->lp;
    glp_set_obj_dir(lp, GLP_MIN);
    if (mip->n_cols)
        glp_add_cols(lp, (int)mip->n_cols);
    for (size_t j = 0; j < mip->n_cols; j++) {
        int col = (int)j + 1;
        double lb = mip->col_lb[j], ub = mip->col_ub[j];
        r->active[col] = 1;
        if (mip->col_binary[j]) {
            glp_set_col_kind(lp, col, GLP_BV);
            if (lb == ub) /* fixed through its bounds (sp_mip_set_bounds) */
                glp_set_col_bnds(lp, col, GLP_FX, lb, ub);
        } else if (ub == HUGE_VAL)
            glp_set_col_bnds(lp, col, GLP_LO, lb, 0.0);
        else if (lb == ub)
            glp_set_col_bnds(lp, col, GLP_FX, lb, ub);
        else
            glp_set_col_bnds(lp, col, GLP_DB, lb, ub);
    }
    if (mip->n_rows)
        glp_add_rows(lp, (int)mip->n_rows);
    for (size_t i = 0; i < mip->n_rows; i++) {
        int row = (int)i + 1, type = mip->row_type[i];
        double rhs = mip->row_rhs[i];
        glp_set_row_bnds(lp, row, type == SP_ROW_LE ? GLP_UP : type == SP_ROW_GE ? GLP_LO : GLP_FX,
                         rhs, rhs);
    }
    for (size_t k = 0; k < mip->n_coefs; k++) {
        r->ia[k + 1] = mip->coef_row[k] + 1;
        r->ja[k + 1] = mip->coef_col[k] + 1;
        r->ar[k + 1] = mip->coef_value[k];
    }
    glp_load_matrix(lp, (int)mip->n_coefs, r->ia, r->ja, r->ar);
    glp_scale_prob(lp, GLP_SF_AUTO);
    if (mip->inject_fault) /* a column that does not exist: GLPK treats this as fatal */
        glp_set_col_bnds(lp, (int)mip->n_cols + 7, GLP_LO, 0.0, 0.0);
    if (r->model_file) { /* the whole first stage, before any column is left out */
        sp_mipx_set_objective(lp, mip, 0);
        if (glp_write_mps(lp, GLP_MPS_FILE, NULL, r->model_file) != 0)
            return SP_EINVAL;
    }
    for (size_t j = 0; j < mip->n_cols; j++) {
        if (mip->col_first_term[j] > 0) /* held at its lower bound until its stage */
            glp_set_col_bnds(lp, (int)j + 1, GLP_FX, mip->col_lb[j], mip->col_lb[j]);
        if (mip->col_lazy[j]) {
            glp_set_col_bnds(lp, (int)j + 1, GLP_FX, 0.0, 0.0); /* out until priced in */
            r->active[j + 1] = 0;
            r->n_inactive++;
        }
    }
    return SP_OK;
}

void sp_mipx_set_objective(glp_prob *lp, const sp_mip *mip, int term)
{
    for (size_t j = 0; j < mip->n_cols; j++)
        glp_set_obj_coef(lp, (int)j + 1, 0.0);
    const sparse_vec *v = &mip->objective[term];
    for (size_t k = 0; k < v->n; k++)
        glp_set_obj_coef(lp, v->index[k] + 1, glp_get_obj_coef(lp, v->index[k] + 1) + v->value[k]);
}

double sp_mipx_term_value(const sp_mip *mip, int term, const double *x1)
{
    const sparse_vec *v = &mip->objective[term];
    double sum = 0.0;
    for (size_t k = 0; k < v->n; k++)
        sum += v->value[k] * x1[v->index[k] + 1];
    return sum;
}

/* Keeps term `term` at most `value` (plus a tolerance) in every later stage. */
void sp_mipx_freeze_term(run *r, const sp_mip *mip, int term, double value)
{
    r->frozen[term] = value + 1e-7 * fmax(1.0, fabs(value));
    int row = glp_add_rows(r->lp, 1);
    glp_set_row_bnds(r->lp, row, GLP_UP, 0.0, value + 1e-7 * fmax(1.0, fabs(value)));
    /* GLPK wants distinct column indices per row: merge duplicates through the objective. */
    sp_mipx_set_objective(r->lp, mip, term);
    int n = 0;
    for (size_t j = 0; j < mip->n_cols; j++) {
        double c = glp_get_obj_coef(r->lp, (int)j + 1);
        if (c != 0.0) {
            n++;
            r->ja[n] = (int)j + 1;
            r->ar[n] = c;
        }
    }
    glp_set_mat_row(r->lp, row, n, r->ja, r->ar);
}

/* glp_simplex has no callback, so it runs in slices of this many iterations, each continuing from
 * the basis the last one reached, and the cancel flag and the deadline are checked between
 * slices: a cancel is seen within a slice (well under a second here) even during a long LP.
 * Slices are counted in iterations, not milliseconds, so that the path, and so the plan, does not
 * depend on the machine's speed or load. */
#define LP_SLICE_ITERATIONS 1000

int sp_mipx_run_simplex(run *r, glp_smcp *smcp)
{
    smcp->it_lim = LP_SLICE_ITERATIONS;
    for (int slices = 1;; slices++) {
        smcp->tm_lim = sp_mipx_remaining_ms(r);
        int ret = glp_simplex(r->lp, smcp);
        if (ret == GLP_EITLIM && r->slice_cap > 0 && slices >= r->slice_cap)
            return GLP_EITLIM; /* a heuristic's LP: not worth more */
        if (ret == GLP_EITLIM && !sp_mipx_should_stop(r) && sp_now() < r->stage_deadline)
            continue;
        if (ret == GLP_ETMLIM && r->stop_reason == SP_STOP_NONE)
            r->stop_reason = SP_STOP_TIME_LIMIT; /* GLPK's own clock ran out first */
        return ret == GLP_EITLIM ? GLP_ETMLIM : ret; /* stopped between slices */
    }
}

/* Copies the current basis into *basis (grown as needed): rows first, then columns. */
void sp_mipx_copy_basis(run *r, int **basis_ptr)
{
    int rows = glp_get_num_rows(r->lp), cols = glp_get_num_cols(r->lp);
    int *basis = realloc(*basis_ptr, (size_t)(rows + cols + 1) * sizeof *basis);
    if (!basis)
        return; /* only a speed-up: without it the LP starts from an older basis */
    *basis_ptr = basis;
    basis[0] = rows;
    for (int i = 1; i <= rows; i++)
        basis[i] = glp_get_row_stat(r->lp, i);
    for (int j = 1; j <= cols; j++)
        basis[rows + j] = glp_get_col_stat(r->lp, j);
}

/* Keeps the LP optimum's basis: branch-and-cut leaves another one behind, and the next stage's LP
 * starts fastest from this one (its point stays feasible once the finished term is frozen). */
static void save_basis(run *r)
{
    sp_mipx_copy_basis(r, &r->basis);
}

/* Sets a basis kept by sp_mipx_copy_basis: rows added since get a basic slack, and nonbasic
 * columns go to a bound their current type has. */
void sp_mipx_set_basis(run *r, const int *basis)
{
    int rows = basis[0], cols = glp_get_num_cols(r->lp);
    for (int i = 1; i <= rows; i++)
        glp_set_row_stat(r->lp, i, basis[i]);
    for (int i = rows + 1; i <= glp_get_num_rows(r->lp); i++)
        glp_set_row_stat(r->lp, i, GLP_BS); /* rows added since: their slack is basic */
    for (int j = 1; j <= cols; j++) {
        int stat = basis[rows + j], type = glp_get_col_type(r->lp, j);
        if (stat != GLP_BS) /* bounds may have changed since (columns priced in or capped) */
            stat = type == GLP_FX ? GLP_NS : type == GLP_UP ? GLP_NU
                 : stat == GLP_NU && type == GLP_DB ? GLP_NU : GLP_NL;
        glp_set_col_stat(r->lp, j, stat);
    }
}

void sp_mipx_restore_basis(run *r)
{
    sp_mipx_set_basis(r, r->basis);
}

/* Solves the LP relaxation of the current stage; returns GLPK's code. The primal simplex is used:
 * on these transportation-like models GLPK's dual simplex was 50x slower (demo: 1.2 s against
 * over 60 s for the first stage), and later stages start primal feasible from the saved basis. */
static int solve_lp_once(run *r, const sp_mip *mip)
{
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = r->log_level >= 3 ? GLP_MSG_ALL : r->log_level >= 2 ? GLP_MSG_ON : GLP_MSG_ERR;
    smcp.meth = GLP_PRIMAL;
    smcp.presolve = GLP_OFF;
    if (r->basis)
        sp_mipx_restore_basis(r);
    else if (!r->block_started && !sp_mipx_block_start(r, mip))
        glp_adv_basis(r->lp, 0);
    int ret = sp_mipx_run_simplex(r, &smcp);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(r->lp);
        ret = sp_mipx_run_simplex(r, &smcp);
    }
    if (ret == 0 && glp_get_status(r->lp) == GLP_OPT)
        save_basis(r);
    return ret;
}

/* The LP of the current stage over all columns, by column generation: solve with the active
 * columns, price the others with the duals, bring in those that would lower the objective, and
 * repeat until none would. GLPK leaves fixed columns out of its simplex, so the LPs it solves stay
 * near the size of the columns that matter. */
int sp_mipx_solve_lp(run *r, const sp_mip *mip)
{
    for (;;) {
        int ret = solve_lp_once(r, mip);
        if (ret != 0 || glp_get_status(r->lp) != GLP_OPT || r->n_inactive == 0)
            return ret;
        size_t added = sp_mipx_price_columns(r, mip, 2);
        if (r->log_level >= 2 && added)
            fprintf(stderr, "staffpool: priced in %zu columns (%zu still out) at %.2f s\n", added,
                    r->n_inactive, sp_now() - r->started);
        if (!added)
            return ret;
    }
}
