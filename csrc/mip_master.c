/* A restricted master LP for column generation: rows fixed at creation, columns added at any time,
 * solved again and again by the primal simplex from the last optimal basis (a new column enters
 * nonbasic at its lower bound, so the old basis stays primal feasible and the simplex only has to
 * price the new columns in). The master is plain data between solves: each sp_master_solve loads
 * it into a fresh GLPK problem, sets the saved basis, solves, reads the duals, values and basis
 * back and frees the thread's GLPK environment, all inside the same trap as sp_mip_solve_lex
 * (glp_error_hook + setjmp: GLPK's fatal errors become SP_ESOLVER, never an abort). Keeping no
 * GLPK object alive between calls means other solves (sp_mip_solve_lex frees the thread's GLPK
 * environment when it ends) can run in between. The price-and-branch MIP over the generated
 * columns is an sp_mip made from the master (sp_master_as_mip), solved by sp_mip_solve_lex with
 * its start solution and time limit. */
#include "internal.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sp_master {
    int n_rows, n_cols;
    int *row_type;
    double *row_rhs, *row_dual;
    int *row_stat; /* saved basis: GLPK status per row (0: none yet) */
    size_t cap_rows;
    double *col_cost, *col_lb, *col_ub, *col_value;
    int *col_stat;
    size_t *col_first; /* column j's coefficients: [col_first[j], col_first[j + 1]) */
    size_t cap_cols, cap_first;
    int *coef_row;
    double *coef_value;
    size_t n_coefs, cap_coef_row, cap_coef_value;
    double objective;
    int status;       /* SP_MASTER_* of the last solve */
    int inject_fault; /* test hook: raise a GLPK fatal error inside the trap */
};

sp_master *sp_master_new(void)
{
    sp_master *ms = calloc(1, sizeof *ms);
    if (!ms)
        return NULL;
    if (sp_grow(&ms->col_first, &ms->cap_first, 1, sizeof *ms->col_first)) {
        free(ms);
        return NULL;
    }
    ms->col_first[0] = 0;
    ms->status = SP_MASTER_NOT_SOLVED;
    return ms;
}

void sp_master_free(sp_master *ms)
{
    if (!ms)
        return;
    free(ms->row_type), free(ms->row_rhs), free(ms->row_dual), free(ms->row_stat);
    free(ms->col_cost), free(ms->col_lb), free(ms->col_ub), free(ms->col_value), free(ms->col_stat);
    free(ms->col_first), free(ms->coef_row), free(ms->coef_value);
    free(ms);
}

int sp_master_add_row(sp_master *ms, int type, double rhs)
{
    if (ms->n_cols > 0)
        return SP_ESTATE; /* rows first: a column's coefficients name rows that exist */
    if (type != SP_ROW_LE && type != SP_ROW_GE && type != SP_ROW_EQ)
        return SP_ERANGE;
    size_t need = (size_t)ms->n_rows + 1, cap = ms->cap_rows;
    if (need > INT_MAX - 1)
        return SP_ERANGE;
    if (sp_grow(&ms->row_type, &cap, need, sizeof *ms->row_type) ||
        (cap = ms->cap_rows, sp_grow(&ms->row_rhs, &cap, need, sizeof *ms->row_rhs)) ||
        (cap = ms->cap_rows, sp_grow(&ms->row_dual, &cap, need, sizeof *ms->row_dual)) ||
        (cap = ms->cap_rows, sp_grow(&ms->row_stat, &cap, need, sizeof *ms->row_stat)))
        return SP_ENOMEM;
    ms->cap_rows = cap;
    ms->row_type[ms->n_rows] = type;
    ms->row_rhs[ms->n_rows] = rhs;
    ms->row_dual[ms->n_rows] = 0.0;
    ms->row_stat[ms->n_rows] = 0;
    return ms->n_rows++;
}

int sp_master_add_col(sp_master *ms, double cost, double lb, double ub, int n, const int *rows,
                      const double *values)
{
    if (!(lb <= ub) || lb == HUGE_VAL || ub == -HUGE_VAL || lb == -HUGE_VAL || n < 0 ||
        !isfinite(cost))
        return SP_ERANGE;
    for (int i = 0; i < n; i++)
        if (rows[i] < 0 || rows[i] >= ms->n_rows || !isfinite(values[i]))
            return SP_ERANGE;
    size_t need = (size_t)ms->n_cols + 1, cap = ms->cap_cols;
    if (need > INT_MAX - 1 || ms->n_coefs + (size_t)n > INT_MAX - 1)
        return SP_ERANGE;
    /* every array is grown from the same old capacity, so they stay the same length */
    if (sp_grow(&ms->col_cost, &cap, need, sizeof *ms->col_cost) ||
        (cap = ms->cap_cols, sp_grow(&ms->col_lb, &cap, need, sizeof *ms->col_lb)) ||
        (cap = ms->cap_cols, sp_grow(&ms->col_ub, &cap, need, sizeof *ms->col_ub)) ||
        (cap = ms->cap_cols, sp_grow(&ms->col_value, &cap, need, sizeof *ms->col_value)) ||
        (cap = ms->cap_cols, sp_grow(&ms->col_stat, &cap, need, sizeof *ms->col_stat)) ||
        sp_grow(&ms->col_first, &ms->cap_first, need + 1, sizeof *ms->col_first) ||
        sp_grow(&ms->coef_row, &ms->cap_coef_row, ms->n_coefs + (size_t)n + 1,
                sizeof *ms->coef_row) ||
        sp_grow(&ms->coef_value, &ms->cap_coef_value, ms->n_coefs + (size_t)n + 1,
                sizeof *ms->coef_value))
        return SP_ENOMEM;
    ms->cap_cols = cap;
    int j = ms->n_cols;
    ms->col_cost[j] = cost;
    ms->col_lb[j] = lb;
    ms->col_ub[j] = ub;
    ms->col_value[j] = lb;
    ms->col_stat[j] = 0; /* nonbasic at its lower bound in the next warm start */
    for (int i = 0; i < n; i++) {
        ms->coef_row[ms->n_coefs] = rows[i];
        ms->coef_value[ms->n_coefs] = values[i];
        ms->n_coefs++;
    }
    ms->col_first[j + 1] = ms->n_coefs;
    return ms->n_cols++;
}

int sp_master_set_col_bounds(sp_master *ms, int col, double lb, double ub)
{
    if (col < 0 || col >= ms->n_cols || !(lb <= ub) || lb == HUGE_VAL || lb == -HUGE_VAL ||
        ub == -HUGE_VAL)
        return SP_ERANGE;
    ms->col_lb[col] = lb;
    ms->col_ub[col] = ub;
    /* a nonbasic column keeps its status only while the bound it sits at exists */
    if (ms->col_stat[col] != GLP_BS)
        ms->col_stat[col] = 0;
    return SP_OK;
}

int sp_master_rows(const sp_master *ms)
{
    return ms->n_rows;
}
int sp_master_cols(const sp_master *ms)
{
    return ms->n_cols;
}
int sp_master_status(const sp_master *ms)
{
    return ms->status;
}
double sp_master_objective(const sp_master *ms)
{
    return ms->objective;
}
double sp_master_row_dual(const sp_master *ms, int row)
{
    return ms->row_dual[row];
}
double sp_master_col_value(const sp_master *ms, int col)
{
    return ms->col_value[col];
}
double sp_master_col_cost(const sp_master *ms, int col)
{
    return ms->col_cost[col];
}
void sp_master_inject_glpk_fault(sp_master *ms)
{
    ms->inject_fault = 1;
}

/* ---- one solve, inside the trap ---- */

typedef struct master_run {
    jmp_buf jump;
    char glpk_text[512]; /* tail of GLPK's terminal output, for the error message */
    int *ind;            /* one column's rows and values, 1-based as GLPK wants them */
    double *val;
} master_run;

static int on_term(void *info, const char *text)
{
    master_run *mr = info;
    sp_glpk_keep_tail(mr->glpk_text, sizeof mr->glpk_text, text);
    return 1; /* GLPK's own printing is off: the text is only kept for an error */
}

static void on_error(void *info)
{
    master_run *mr = info;
    longjmp(mr->jump, 1);
}

static void load(glp_prob *lp, const sp_master *ms, master_run *mr)
{
    glp_set_obj_dir(lp, GLP_MIN);
    if (ms->n_rows)
        glp_add_rows(lp, ms->n_rows);
    for (int i = 0; i < ms->n_rows; i++) {
        int type = ms->row_type[i];
        double rhs = ms->row_rhs[i];
        glp_set_row_bnds(lp, i + 1,
                         type == SP_ROW_LE   ? GLP_UP
                         : type == SP_ROW_GE ? GLP_LO
                                             : GLP_FX,
                         rhs, rhs);
    }
    if (ms->n_cols)
        glp_add_cols(lp, ms->n_cols);
    for (int j = 0; j < ms->n_cols; j++) {
        double lb = ms->col_lb[j], ub = ms->col_ub[j];
        glp_set_col_bnds(lp, j + 1,
                         ub == HUGE_VAL ? GLP_LO
                         : lb == ub     ? GLP_FX
                                        : GLP_DB,
                         lb, ub == HUGE_VAL ? 0.0 : ub);
        glp_set_obj_coef(lp, j + 1, ms->col_cost[j]);
        size_t first = ms->col_first[j], n = ms->col_first[j + 1] - first;
        for (size_t k = 0; k < n; k++) {
            mr->ind[k + 1] = ms->coef_row[first + k] + 1;
            mr->val[k + 1] = ms->coef_value[first + k];
        }
        glp_set_mat_col(lp, j + 1, (int)n, mr->ind, mr->val);
    }
    if (ms->inject_fault) /* a column that does not exist: GLPK treats this as fatal */
        glp_set_col_bnds(lp, ms->n_cols + 7, GLP_LO, 0.0, 0.0);
}

/* The saved basis, or GLPK's standard one when there is none or it is not a basis (a new row
 * count, or columns added beyond what was saved keep theirs nonbasic at the lower bound). */
static void set_basis(glp_prob *lp, const sp_master *ms)
{
    int basic = 0, saved = ms->n_rows > 0;
    for (int i = 0; i < ms->n_rows; i++)
        saved &= ms->row_stat[i] != 0;
    if (saved) {
        for (int i = 0; i < ms->n_rows; i++) {
            glp_set_row_stat(lp, i + 1, ms->row_stat[i]);
            basic += ms->row_stat[i] == GLP_BS;
        }
        for (int j = 0; j < ms->n_cols; j++) {
            int st = ms->col_stat[j];
            if (st == 0) /* new since the last solve: nonbasic at its lower bound */
                st = ms->col_lb[j] == ms->col_ub[j] ? GLP_NS : GLP_NL;
            glp_set_col_stat(lp, j + 1, st);
            basic += st == GLP_BS;
        }
    }
    if (!saved || basic != ms->n_rows || glp_warm_up(lp) != 0)
        glp_std_basis(lp); /* glp_simplex factorises it itself */
}

static void read_back(glp_prob *lp, sp_master *ms)
{
    for (int i = 0; i < ms->n_rows; i++) {
        ms->row_dual[i] = glp_get_row_dual(lp, i + 1);
        ms->row_stat[i] = glp_get_row_stat(lp, i + 1);
    }
    for (int j = 0; j < ms->n_cols; j++) {
        ms->col_value[j] = glp_get_col_prim(lp, j + 1);
        ms->col_stat[j] = glp_get_col_stat(lp, j + 1);
    }
    ms->objective = glp_get_obj_val(lp);
}

/* Returns 0 after the solve, 1 after a GLPK fatal error (the environment is then freed). */
static int trapped_solve(master_run *mr, sp_master *ms, int tm_lim_ms)
{
    glp_term_hook(on_term, mr);
    glp_error_hook(on_error, mr);
    if (setjmp(mr->jump) != 0) {
        glp_free_env(); /* every GLPK object of this thread is now gone */
        return 1;
    }
    glp_prob *lp = glp_create_prob();
    load(lp, ms, mr);
    glp_scale_prob(lp, GLP_SF_AUTO);
    set_basis(lp, ms);
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = GLP_MSG_ERR;
    smcp.meth = GLP_PRIMAL; /* new columns keep the old basis primal feasible */
    smcp.tm_lim = tm_lim_ms;
    int ret = glp_simplex(lp, &smcp);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(lp); /* the saved basis was no longer a good one: start afresh */
        ret = glp_simplex(lp, &smcp);
    }
    int st = glp_get_status(lp);
    if (ret == 0 && st == GLP_OPT)
        ms->status = SP_MASTER_OPTIMAL;
    else if (ret == 0 && (st == GLP_NOFEAS || st == GLP_INFEAS))
        ms->status = SP_MASTER_INFEASIBLE;
    else if (ret == 0 && st == GLP_UNBND)
        ms->status = SP_MASTER_UNBOUNDED;
    else
        ms->status = SP_MASTER_STOPPED; /* time limit or a numerical failure: no duals to trust */
    if (ms->status == SP_MASTER_OPTIMAL)
        read_back(lp, ms);
    glp_delete_prob(lp);
    glp_term_hook(NULL, NULL);
    glp_error_hook(NULL, NULL);
    glp_free_env();
    return 0;
}

int sp_master_solve(sp_master *ms, double time_limit, sp_error *err)
{
    ms->status = SP_MASTER_NOT_SOLVED;
    if (!(time_limit >= 0.0) && time_limit != HUGE_VAL)
        time_limit = HUGE_VAL;
    double ms_left = time_limit * 1000.0;
    int tm_lim = time_limit == HUGE_VAL || ms_left >= INT_MAX ? INT_MAX : (int)ms_left;
    if (tm_lim <= 0) {
        ms->status = SP_MASTER_STOPPED;
        sp_ok(err);
        return SP_OK;
    }
    master_run *mr = calloc(1, sizeof *mr);
    size_t widest = 0;
    for (int j = 0; j < ms->n_cols; j++)
        if (ms->col_first[j + 1] - ms->col_first[j] > widest)
            widest = ms->col_first[j + 1] - ms->col_first[j];
    if (mr) {
        mr->ind = malloc((widest + 1) * sizeof *mr->ind);
        mr->val = malloc((widest + 1) * sizeof *mr->val);
    }
    if (!mr || !mr->ind || !mr->val) {
        if (mr)
            free(mr->ind), free(mr->val);
        free(mr);
        return sp_fail(err, SP_ENOMEM, "out of memory solving a master LP");
    }
    /* GLPK aborts if it cannot create its environment, before any hook could catch it. */
    int env = glp_init_env();
    if (env != 0 && env != 1) {
        free(mr->ind), free(mr->val), free(mr);
        return sp_fail(err, SP_ESOLVER, "GLPK could not initialise its environment (%d)", env);
    }
    int rc = SP_OK;
    if (trapped_solve(mr, ms, tm_lim)) {
        char *text = mr->glpk_text;
        size_t len = strlen(text);
        while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
            text[--len] = '\0';
        ms->status = SP_MASTER_NOT_SOLVED;
        rc = sp_fail(err, SP_ESOLVER, "GLPK error in a master LP: %s",
                     *text ? text : "(no message)");
    } else {
        sp_ok(err);
    }
    free(mr->ind), free(mr->val), free(mr);
    return rc;
}

sp_mip *sp_master_as_mip(const sp_master *ms, const unsigned char *binary)
{
    sp_mip *mip = sp_mip_new(1);
    if (!mip)
        return NULL;
    for (int i = 0; i < ms->n_rows; i++)
        if (sp_mip_add_row(mip, ms->row_type[i], ms->row_rhs[i]) < 0)
            goto fail;
    for (int j = 0; j < ms->n_cols; j++) {
        int bin = binary && binary[j];
        if (bin && !(ms->col_lb[j] == 0.0 && ms->col_ub[j] >= 1.0))
            goto fail; /* a binary is [0, 1]: only a column whose bounds hold both can be one */
        int col = sp_mip_add_col(mip, ms->col_lb[j], ms->col_ub[j], bin);
        if (col < 0 || (ms->col_cost[j] != 0.0 && sp_mip_set_obj(mip, 0, col, ms->col_cost[j])))
            goto fail;
        for (size_t k = ms->col_first[j]; k < ms->col_first[j + 1]; k++)
            if (sp_mip_add_coef(mip, ms->coef_row[k], col, ms->coef_value[k]))
                goto fail;
    }
    return mip;
fail:
    sp_mip_free(mip);
    return NULL;
}
