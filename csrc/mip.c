/* The solver layer: the only code that calls GLPK.
 *
 * A model builder describes a MIP as plain data (sp_mip); sp_mip_solve_lex turns it into one GLPK
 * problem and minimises its objective terms in strict order, each stage constrained to keep the
 * earlier terms at their values. Everything GLPK does happens inside a trap: GLPK's fatal errors
 * (which would abort() the host process) longjmp back here, the thread's GLPK environment is freed
 * and the error becomes SP_ESOLVER. The library owns the wall-clock budget: GLPK's tm_lim does not
 * count the LP before branching, so each call only gets what is left, and the branch-and-cut
 * callback stops the search when the deadline passes or the cancel flag is raised. */
#include "internal.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sparse_vec {
    int *index;
    double *value;
    size_t n, cap_index, cap_value;
} sparse_vec;

struct sp_mip {
    int n_terms;
    double *col_lb, *col_ub;
    unsigned char *col_binary, *col_lazy;
    int *col_group, *col_block;
    unsigned char *col_start_upper;
    unsigned char *col_first_term; /* stages before this one hold the column at its lower bound */
    size_t cap_group, cap_col_block, cap_start_upper, cap_first_term;
    int *row_block;
    size_t cap_row_block;
    int n_blocks;
    size_t n_cols, cap_lb, cap_ub, cap_bin, cap_lazy;
    int *row_type;
    double *row_rhs;
    size_t n_rows, cap_type, cap_rhs;
    int *coef_row, *coef_col;
    double *coef_value;
    size_t n_coefs, cap_cr, cap_cc, cap_cv;
    sparse_vec objective[SP_MIP_MAX_TERMS];
    int lp_exact[SP_MIP_MAX_TERMS];
    size_t n_binaries;
    int inject_fault;
    double *start; /* a start solution (1-based), or NULL */
    int stop_at_first;
    sp_mip_repair_fn repair;
    sp_mip_repair_term_fn repair_term;
    void *repair_ctx;
};

sp_mip *sp_mip_new(int n_terms)
{
    if (n_terms < 1 || n_terms > SP_MIP_MAX_TERMS)
        return NULL;
    sp_mip *mip = calloc(1, sizeof *mip);
    if (mip)
        mip->n_terms = n_terms;
    return mip;
}

void sp_mip_free(sp_mip *mip)
{
    if (!mip)
        return;
    free(mip->col_lb), free(mip->col_ub), free(mip->col_binary), free(mip->col_lazy),
        free(mip->col_group), free(mip->col_block), free(mip->col_start_upper), free(mip->row_block);
    free(mip->col_first_term);
    free(mip->start);
    free(mip->row_type), free(mip->row_rhs);
    free(mip->coef_row), free(mip->coef_col), free(mip->coef_value);
    for (int t = 0; t < SP_MIP_MAX_TERMS; t++)
        free(mip->objective[t].index), free(mip->objective[t].value);
    free(mip);
}

int sp_mip_add_col(sp_mip *mip, double lb, double ub, int binary)
{
    size_t need = mip->n_cols + 1;
    if (need > INT_MAX - 1)
        return SP_ERANGE;
    if (sp_grow(&mip->col_lb, &mip->cap_lb, need, sizeof(double)) ||
        sp_grow(&mip->col_ub, &mip->cap_ub, need, sizeof(double)) ||
        sp_grow(&mip->col_binary, &mip->cap_bin, need, 1) ||
        sp_grow(&mip->col_lazy, &mip->cap_lazy, need, 1) ||
        sp_grow(&mip->col_group, &mip->cap_group, need, sizeof(int)) ||
        sp_grow(&mip->col_block, &mip->cap_col_block, need, sizeof(int)) ||
        sp_grow(&mip->col_start_upper, &mip->cap_start_upper, need, 1) ||
        sp_grow(&mip->col_first_term, &mip->cap_first_term, need, 1))
        return SP_ENOMEM;
    mip->col_first_term[mip->n_cols] = 0;
    mip->col_lazy[mip->n_cols] = 0;
    mip->col_group[mip->n_cols] = -1;
    mip->col_block[mip->n_cols] = -1;
    mip->col_start_upper[mip->n_cols] = 0;
    mip->col_lb[mip->n_cols] = binary ? 0.0 : lb;
    mip->col_ub[mip->n_cols] = binary ? 1.0 : ub;
    mip->col_binary[mip->n_cols] = binary != 0;
    mip->n_binaries += binary != 0;
    return (int)mip->n_cols++;
}

int sp_mip_add_row(sp_mip *mip, int type, double rhs)
{
    size_t need = mip->n_rows + 1;
    if (need > INT_MAX - 1)
        return SP_ERANGE;
    if (sp_grow(&mip->row_type, &mip->cap_type, need, sizeof(int)) ||
        sp_grow(&mip->row_rhs, &mip->cap_rhs, need, sizeof(double)) ||
        sp_grow(&mip->row_block, &mip->cap_row_block, need, sizeof(int)))
        return SP_ENOMEM;
    mip->row_block[mip->n_rows] = -1;
    mip->row_type[mip->n_rows] = type;
    mip->row_rhs[mip->n_rows] = rhs;
    return (int)mip->n_rows++;
}

int sp_mip_add_coef(sp_mip *mip, int row, int col, double value)
{
    size_t need = mip->n_coefs + 1;
    if (need > INT_MAX - 1)
        return SP_ERANGE;
    if (sp_grow(&mip->coef_row, &mip->cap_cr, need, sizeof(int)) ||
        sp_grow(&mip->coef_col, &mip->cap_cc, need, sizeof(int)) ||
        sp_grow(&mip->coef_value, &mip->cap_cv, need, sizeof(double)))
        return SP_ENOMEM;
    mip->coef_row[mip->n_coefs] = row;
    mip->coef_col[mip->n_coefs] = col;
    mip->coef_value[mip->n_coefs] = value;
    mip->n_coefs++;
    return SP_OK;
}

int sp_mip_set_obj(sp_mip *mip, int term, int col, double coef)
{
    if (term < 0 || term >= mip->n_terms)
        return SP_ERANGE;
    sparse_vec *v = &mip->objective[term];
    if (sp_grow(&v->index, &v->cap_index, v->n + 1, sizeof(int)) ||
        sp_grow(&v->value, &v->cap_value, v->n + 1, sizeof(double)))
        return SP_ENOMEM;
    v->index[v->n] = col;
    v->value[v->n] = coef;
    v->n++;
    return SP_OK;
}

void sp_mip_set_lazy(sp_mip *mip, int col, int group)
{
    if (col >= 0 && (size_t)col < mip->n_cols && !mip->col_binary[col] && mip->col_lb[col] == 0.0) {
        mip->col_lazy[col] = 1;
        mip->col_group[col] = group;
    }
}

void sp_mip_set_block(sp_mip *mip, int row, int col, int block)
{
    if (block < 0)
        return;
    if (row >= 0 && (size_t)row < mip->n_rows)
        mip->row_block[row] = block;
    if (col >= 0 && (size_t)col < mip->n_cols)
        mip->col_block[col] = block;
    if (block + 1 > mip->n_blocks)
        mip->n_blocks = block + 1;
}

void sp_mip_set_start_upper(sp_mip *mip, int col)
{
    if (col >= 0 && (size_t)col < mip->n_cols)
        mip->col_start_upper[col] = 1;
}

int sp_mip_set_bounds(sp_mip *mip, int col, double lb, double ub)
{
    if (col < 0 || (size_t)col >= mip->n_cols || !(lb <= ub) || lb == HUGE_VAL || ub == -HUGE_VAL)
        return SP_ERANGE;
    if (mip->col_binary[col] && ((lb != 0.0 && lb != 1.0) || (ub != 0.0 && ub != 1.0)))
        return SP_ERANGE;
    if (mip->col_lazy[col] && lb != 0.0)
        return SP_ERANGE; /* a lazy column is out of the LP at 0 until priced in */
    mip->col_lb[col] = lb;
    mip->col_ub[col] = ub;
    return SP_OK;
}

int sp_mip_set_start(sp_mip *mip, const double *x)
{
    double *copy = mip->start ? mip->start : malloc((mip->n_cols + 1) * sizeof *copy);
    if (!copy)
        return SP_ENOMEM;
    copy[0] = 0.0;
    memcpy(copy + 1, x, mip->n_cols * sizeof *copy);
    mip->start = copy;
    return SP_OK;
}

void sp_mip_set_stop_at_first(sp_mip *mip, int stop)
{
    mip->stop_at_first = stop != 0;
}

void sp_mip_set_first_term(sp_mip *mip, int col, int term)
{
    if (col >= 0 && (size_t)col < mip->n_cols && term >= 0 && term < mip->n_terms &&
        !mip->col_lazy[col])
        mip->col_first_term[col] = (unsigned char)term;
}

void sp_mip_set_repair(sp_mip *mip, sp_mip_repair_fn fn, void *ctx)
{
    mip->repair = fn;
    mip->repair_term = NULL;
    mip->repair_ctx = ctx;
}

void sp_mip_set_repair_for_term(sp_mip *mip, sp_mip_repair_term_fn fn, void *ctx)
{
    mip->repair = NULL;
    mip->repair_term = fn;
    mip->repair_ctx = ctx;
}

/* Whether the builder gave a repair hook, and calling it for the current stage. */
static int has_repair(const sp_mip *mip)
{
    return mip->repair || mip->repair_term;
}

void sp_mip_set_lp_exact(sp_mip *mip, int term)
{
    if (term >= 0 && term < mip->n_terms)
        mip->lp_exact[term] = 1;
}

size_t sp_mip_cols(const sp_mip *mip) { return mip->n_cols; }
size_t sp_mip_rows(const sp_mip *mip) { return mip->n_rows; }
size_t sp_mip_binaries(const sp_mip *mip) { return mip->n_binaries; }
void sp_mip_inject_glpk_fault(sp_mip *mip) { mip->inject_fault = 1; }

void sp_mip_result_clear(sp_mip_result *res)
{
    free(res->x);
    memset(res, 0, sizeof *res);
}

/* ---- the trapped run ---- */

typedef struct run {
    jmp_buf jump;
    char glpk_text[1024]; /* tail of GLPK's terminal output, for error messages */
    int log_level;
    const char *model_file;
    double rel_gap;
    double started;
    double deadline;
    double stage_deadline; /* branch-and-cut budget of the current stage; HUGE_VAL: none */
    int budget_stopped;    /* a stage stopped on its budget with a plan in hand */ /* sp_now() value; HUGE_VAL: none */
    const sp_cancel *cancel;
    sp_progress *progress; /* may be NULL */
    int stage, stages;     /* for progress posts */
    int stop_reason;
    int term; /* the stage being solved */
    /* branch-and-cut state of the current stage */
    const double *start_x; /* 1-based incumbent to hand to GLPK, or NULL */
    int start_given;
    double best_bound;
    /* buffers freed on every exit path, including a longjmp */
    int *ia, *ja;
    double *ar;
    double *x, *prev_x;
    double *heur_x, *lp_x; /* best heuristic solution of this stage; the heuristic's scratch */
    double *relax_x;       /* the relaxation's point */
    int slice_cap;         /* > 0: run_simplex gives up after this many slices (heuristic LPs) */
    int rounding_relaxation; /* the fixing heuristic starts from the relaxation, not a plan */
    int stop_at_first;       /* each stage stops at its first plan (sp_mip_set_stop_at_first) */
    int start_ok;            /* the caller's start solution passed is_feasible */
    double heur_value;
    int have_heur;
    unsigned char *active; /* per column (1-based): in the LP; lazy columns start out */
    size_t n_inactive;
    struct priced *pricing; /* scratch for price_columns */
    int *basis; /* row then column statuses of the last stage's LP optimum; NULL: none yet */
    int *heur_basis; /* basis of the best fixed-binaries LP of this stage (heur_x) */
    int *plan_basis; /* basis of the previous stage's plan, when it came from that LP */
    int plan_basis_valid, heur_basis_valid;
    int block_started;      /* block_start has set the first LP's basis */
    double block_objective; /* sum of the blocks' optima */
    double frozen[SP_MIP_MAX_TERMS]; /* the values earlier terms are held to */
    unsigned char *force_zero; /* per column (0-based): kept at 0 in the blocks' second pass */
    glp_prob **subs; /* per block, kept between the two passes of plan_from_blocks; or NULL */
    glp_prob *lp;
} run;

static int on_term(void *info, const char *text)
{
    run *r = info;
    size_t have = strlen(r->glpk_text), add = strlen(text), cap = sizeof r->glpk_text - 1;
    if (add >= cap) {
        text += add - cap;
        add = cap;
    }
    if (have + add > cap) {
        size_t drop = have + add - cap;
        memmove(r->glpk_text, r->glpk_text + drop, have - drop + 1);
        have -= drop;
    }
    memcpy(r->glpk_text + have, text, add + 1);
    if (r->log_level > 0)
        fputs(text, stderr); /* never stdout: it may carry a command's JSON */
    return 1;
}

static void on_error(void *info)
{
    run *r = info;
    longjmp(r->jump, 1);
}

/* Tells a display thread where the current stage stands (nothing when nobody watches). */
static void post_progress(const run *r, int has_incumbent, double incumbent, double bound)
{
    sp_progress_post(r->progress, r->stage, r->stages, has_incumbent, incumbent, bound,
                     sp_now() - r->started);
}

static int should_stop(run *r)
{
    if (sp_cancel_is_raised(r->cancel))
        r->stop_reason = SP_STOP_CANCELLED;
    else if (sp_now() >= r->deadline)
        r->stop_reason = SP_STOP_TIME_LIMIT;
    return r->stop_reason != SP_STOP_NONE;
}

static void on_branch(glp_tree *tree, void *info)
{
    run *r = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && r->start_x && !r->start_given) {
        glp_ios_heur_sol(tree, r->start_x);
        r->start_given = 1;
    }
    if (reason == GLP_IBINGO && r->stop_at_first)
        glp_ios_terminate(tree); /* the caller asked for the first plan found */
    int best = glp_ios_best_node(tree), improved = reason == GLP_IBINGO;
    if (best) {
        double bound = glp_ios_node_bound(tree, best);
        if (bound > r->best_bound) {
            r->best_bound = bound;
            improved = 1;
        }
    }
    if (improved && r->progress) {
        glp_prob *lp = glp_ios_get_prob(tree);
        int has = glp_mip_status(lp) == GLP_FEAS || glp_mip_status(lp) == GLP_OPT;
        post_progress(r, has, has ? glp_mip_obj_val(lp) : 0.0, r->best_bound);
    }
    if (should_stop(r) || sp_now() >= r->stage_deadline)
        glp_ios_terminate(tree);
}

static int remaining_ms(const run *r)
{
    if (r->deadline == HUGE_VAL)
        return INT_MAX;
    double ms = (r->deadline - sp_now()) * 1000.0;
    return ms <= 0 ? 0 : ms >= INT_MAX ? INT_MAX : (int)ms;
}

static void set_objective(glp_prob *lp, const sp_mip *mip, int term);

/* Loads the model into GLPK; returns SP_EINVAL when the model file cannot be written. */
static int load_problem(run *r, const sp_mip *mip)
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
        set_objective(lp, mip, 0);
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

static void set_objective(glp_prob *lp, const sp_mip *mip, int term)
{
    for (size_t j = 0; j < mip->n_cols; j++)
        glp_set_obj_coef(lp, (int)j + 1, 0.0);
    const sparse_vec *v = &mip->objective[term];
    for (size_t k = 0; k < v->n; k++)
        glp_set_obj_coef(lp, v->index[k] + 1, glp_get_obj_coef(lp, v->index[k] + 1) + v->value[k]);
}

static double term_value(const sp_mip *mip, int term, const double *x1)
{
    const sparse_vec *v = &mip->objective[term];
    double sum = 0.0;
    for (size_t k = 0; k < v->n; k++)
        sum += v->value[k] * x1[v->index[k] + 1];
    return sum;
}

/* Keeps term `term` at most `value` (plus a tolerance) in every later stage. */
static void freeze_term(run *r, const sp_mip *mip, int term, double value)
{
    r->frozen[term] = value + 1e-7 * fmax(1.0, fabs(value));
    int row = glp_add_rows(r->lp, 1);
    glp_set_row_bnds(r->lp, row, GLP_UP, 0.0, value + 1e-7 * fmax(1.0, fabs(value)));
    /* GLPK wants distinct column indices per row: merge duplicates through the objective. */
    set_objective(r->lp, mip, term);
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

static int run_simplex(run *r, glp_smcp *smcp)
{
    smcp->it_lim = LP_SLICE_ITERATIONS;
    for (int slices = 1;; slices++) {
        smcp->tm_lim = remaining_ms(r);
        int ret = glp_simplex(r->lp, smcp);
        if (ret == GLP_EITLIM && r->slice_cap > 0 && slices >= r->slice_cap)
            return GLP_EITLIM; /* a heuristic's LP: not worth more */
        if (ret == GLP_EITLIM && !should_stop(r) && sp_now() < r->stage_deadline)
            continue;
        if (ret == GLP_ETMLIM && r->stop_reason == SP_STOP_NONE)
            r->stop_reason = SP_STOP_TIME_LIMIT; /* GLPK's own clock ran out first */
        return ret == GLP_EITLIM ? GLP_ETMLIM : ret; /* stopped between slices */
    }
}

/* Keeps the LP optimum's basis: branch-and-cut leaves another one behind, and the next stage's LP
 * starts fastest from this one (its point stays feasible once the finished term is frozen). */
/* Copies the current basis into *basis (grown as needed): rows first, then columns. */
static void copy_basis(run *r, int **basis_ptr)
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

static void save_basis(run *r)
{
    copy_basis(r, &r->basis);
}

/* Sets a basis kept by copy_basis: rows added since get a basic slack, and nonbasic columns go
 * to a bound their current type has. */
static void set_basis(run *r, const int *basis)
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

static void restore_basis(run *r)
{
    set_basis(r, r->basis);
}

/* Solves the LP relaxation of the current stage; returns GLPK's code. The primal simplex is used:
 * on these transportation-like models GLPK's dual simplex was 50x slower (demo: 1.2 s against
 * over 60 s for the first stage), and later stages start primal feasible from the saved basis. */
/* Puts column j (1-based) into the LP with its own bounds, or, when `ub` is smaller, with `ub`. */
static void activate(run *r, const sp_mip *mip, int j, double ub)
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

typedef struct priced {
    double reduced_cost;
    int group, col;
} priced;

static int cmp_priced(const void *a, const void *b)
{
    const priced *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->reduced_cost != y->reduced_cost)
        return x->reduced_cost < y->reduced_cost ? -1 : 1;
    return x->col - y->col; /* ties by column: deterministic */
}

/* One pricing round: brings in the inactive columns whose reduced cost is negative, at most
 * `per_group` of each group, most negative first. Returns how many came in. */
/* Keeps, of the priced columns in list[0..n), the `per_group` most negative of each group, in
 * place; returns how many are kept. */
static size_t best_per_group(priced *list, size_t n, int per_group)
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

static size_t price_columns(run *r, const sp_mip *mip, int per_group)
{
    size_t n = 0;
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (r->active[j])
            continue;
        double d = glp_get_col_dual(r->lp, (int)j);
        if (d < -1e-9)
            r->pricing[n++] = (priced){d, mip->col_group[j - 1], (int)j};
    }
    n = best_per_group(r->pricing, n, per_group);
    for (size_t i = 0; i < n; i++)
        activate(r, mip, r->pricing[i].col, HUGE_VAL);
    return n;
}

static void call_repair(const run *r, const sp_mip *mip, double *x1)
{
    if (mip->repair_term)
        mip->repair_term(mip->repair_ctx, x1, r->term);
    else
        mip->repair(mip->repair_ctx, x1);
}

/* Whether column j (0-based) is held at its lower bound in the current stage. */
static int held(const run *r, const sp_mip *mip, size_t j)
{
    return mip->col_first_term[j] > r->term;
}

/* Gives the columns whose first stage is `term` their own bounds. */
static void release_columns(run *r, const sp_mip *mip, int term)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        if (mip->col_first_term[j] != term || term == 0)
            continue;
        double lb = mip->col_lb[j], ub = mip->col_ub[j];
        glp_set_col_bnds(r->lp, (int)j + 1, ub == HUGE_VAL ? GLP_LO : lb == ub ? GLP_FX : GLP_DB,
                         lb, ub == HUGE_VAL ? 0.0 : ub);
    }
}

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
        else if (held(r, mip, j))
            glp_set_col_bnds(sub, col_map[j], GLP_FX, lb, lb);
        else
            glp_set_col_bnds(sub, col_map[j], ub == HUGE_VAL ? GLP_LO : lb == ub ? GLP_FX : GLP_DB,
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
        smcp.tm_lim = remaining_ms(r);
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
        n = best_per_group(r->pricing, n, 2);
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
            activate(r, mip, (int)j, HUGE_VAL);
        if (!stat) /* a linking column */
            stat = point && mip->col_binary[j - 1] ? (point[j] >= 0.5 ? GLP_NU : GLP_NL)
                 : mip->col_start_upper[j - 1] ? GLP_NU : GLP_NL;
        int type = glp_get_col_type(lp, (int)j);
        if (stat != GLP_BS)
            stat = type == GLP_FX ? GLP_NS : type == GLP_LO || type == GLP_FR ? GLP_NL
                 : stat == GLP_NS ? GLP_NL : stat;
        glp_set_col_stat(lp, (int)j, stat);
    }
}

/* The first LP's starting basis from its blocks (see sp_mip_set_block): far fewer iterations
 * than from scratch, because GLPK's simplex slows down much faster than linearly with size (pool
 * M: one week's LP 0.6 s, thirteen weeks together 33 s). Returns 1 when the basis is set. */
static int block_start(run *r, const sp_mip *mip)
{
    if (mip->n_blocks < 2)
        return 0;
    int *row_map = malloc((mip->n_rows + 1) * sizeof *row_map);
    int *col_map = malloc((mip->n_cols + 1) * sizeof *col_map);
    int *stat_row = calloc(mip->n_rows + 1, sizeof *stat_row);
    int *stat_col = calloc(mip->n_cols + 1, sizeof *stat_col);
    int ok = row_map && col_map && stat_row && stat_col;
    for (int b = 0; ok && b < mip->n_blocks && !should_stop(r); b++)
        ok = solve_block(r, mip, b, row_map, col_map, stat_row, stat_col);
    ok = ok && !should_stop(r);
    if (ok)
        basis_from_blocks(r, mip, stat_row, stat_col, NULL);
    free(row_map), free(col_map), free(stat_row), free(stat_col);
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: %d blocks solved alone%s at %.2f s\n", mip->n_blocks,
                ok ? "" : " (failed)", sp_now() - r->started);
    return ok;
}

static int solve_lp_once(run *r, const sp_mip *mip)
{
    glp_smcp smcp;
    glp_init_smcp(&smcp);
    smcp.msg_lev = r->log_level >= 3 ? GLP_MSG_ALL : r->log_level >= 2 ? GLP_MSG_ON : GLP_MSG_ERR;
    smcp.meth = GLP_PRIMAL;
    smcp.presolve = GLP_OFF;
    if (r->basis)
        restore_basis(r);
    else if (!r->block_started && !block_start(r, mip))
        glp_adv_basis(r->lp, 0);
    int ret = run_simplex(r, &smcp);
    if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
        glp_std_basis(r->lp);
        ret = run_simplex(r, &smcp);
    }
    if (ret == 0 && glp_get_status(r->lp) == GLP_OPT)
        save_basis(r);
    return ret;
}

/* The LP of the current stage over all columns, by column generation: solve with the active
 * columns, price the others with the duals, bring in those that would lower the objective, and
 * repeat until none would. GLPK leaves fixed columns out of its simplex, so the LPs it solves stay
 * near the size of the columns that matter. */
static int solve_lp(run *r, const sp_mip *mip)
{
    for (;;) {
        int ret = solve_lp_once(r, mip);
        if (ret != 0 || glp_get_status(r->lp) != GLP_OPT || r->n_inactive == 0)
            return ret;
        size_t added = price_columns(r, mip, 2);
        if (r->log_level >= 2 && added)
            fprintf(stderr, "staffpool: priced in %zu columns (%zu still out) at %.2f s\n", added,
                    r->n_inactive, sp_now() - r->started);
        if (!added)
            return ret;
    }
}

/* Gives every active lazy column its own bounds back: caps from one stage's reduced costs do not
 * hold in the next. */
static void uncap_columns(run *r, const sp_mip *mip)
{
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (mip->col_lazy[j - 1] && r->active[j]) {
            r->active[j] = 0;
            r->n_inactive++;
            activate(r, mip, (int)j, HUGE_VAL);
        }
    }
}

/* After a stage: lazy columns the plan does not use and neither kept basis has in it go out of
 * the LP again, to be priced back in when the next stage's duals ask for them. Branching brings
 * every column in, and they would otherwise stay: the later stages' LPs then carried all of
 * them (pool M: 98k columns, ~3.5 ms per simplex iteration against well under 1 ms). */
static void deactivate_unused(run *r, const sp_mip *mip)
{
    int rows = r->basis ? r->basis[0] : 0, plan_rows = r->plan_basis_valid ? r->plan_basis[0] : 0;
    size_t dropped = 0;
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (!mip->col_lazy[j - 1] || !r->active[j] || r->prev_x[j] != 0.0)
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
static void activate_all(run *r, const sp_mip *mip, double incumbent, double bound)
{
    for (size_t j = 1; j <= mip->n_cols; j++) {
        if (r->active[j])
            continue;
        double d = glp_get_col_dual(r->lp, (int)j), ub = HUGE_VAL;
        if (d > 0 && incumbent < HUGE_VAL)
            ub = (incumbent - bound) / d;
        activate(r, mip, (int)j, ub);
    }
}

typedef enum { STAGE_PROVED, STAGE_STOPPED_WITH_X, STAGE_NO_X, STAGE_INFEASIBLE } stage_outcome;

/* A fixed-binaries LP from the relaxation's rounding that needs more iterations than this (in
 * slices) is usually infeasible (the frozen terms) and on its way to proving it; the time is
 * better spent branching. From a plan the LP is feasible and runs to the stage's window. */
#define HEURISTIC_LP_SLICES 5


/* Fixes every binary at `values` (rounded) and solves the LP over the continuous columns; on
 * success leaves the point in r->x and returns 1. */
/* Whether column j cannot move in this stage: held until a later one, or fixed by its bounds. */
static int pinned(const run *r, const sp_mip *mip, size_t j)
{
    return held(r, mip, j) || mip->col_lb[j] == mip->col_ub[j];
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

/* With fix_released 0, the binaries released in this stage stay relaxed: the point is then not
 * an incumbent, only where the next rounding starts. */
static int solve_with_binaries_fixed(run *r, const sp_mip *mip, const double *values,
                                     int fix_released)
{
    size_t n = mip->n_cols;
    for (size_t j = 0; j < n; j++) {
        if (mip->col_binary[j] && !pinned(r, mip, j) && (fix_released || !released_now(r, mip, j))) {
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
    r->slice_cap = !r->rounding_relaxation ? 0 : r->term > 0 && r->have_heur ? 1 : HEURISTIC_LP_SLICES;
    int ret = run_simplex(r, &smcp);
    /* Columns out of the LP are priced in here too: the plan these binaries allow may need
     * people the relaxation never used (pool S, resilience: 0.048 without, 0 with). */
    while (ret == 0 && glp_get_status(r->lp) == GLP_OPT && r->n_inactive &&
           price_columns(r, mip, 2) > 0 && !should_stop(r))
        ret = run_simplex(r, &smcp);
    r->slice_cap = 0;
    /* Stopped early in phase 2, the primal simplex's point is still feasible, and better than
     * where it started: a plan, if not the best one for these binaries. */
    int ok = glp_get_status(r->lp) == GLP_OPT ? (ret == 0 ? 1 : 0)
           : glp_get_status(r->lp) == GLP_FEAS && (ret == GLP_EITLIM || ret == GLP_ETMLIM) ? 2 : 0;
    if (ok) {
        for (size_t j = 1; j <= n; j++)
            r->x[j] = glp_get_col_prim(r->lp, (int)j);
        for (size_t j = 0; j < n; j++) /* exact integers for GLPK's incumbent */
            if (mip->col_binary[j] && (fix_released || !released_now(r, mip, j)))
                r->x[j + 1] = pinned(r, mip, j) ? mip->col_lb[j] : values[j + 1] >= 0.5 ? 1.0 : 0.0;
    }
    for (size_t j = 0; j < n; j++)
        if (mip->col_binary[j] && !pinned(r, mip, j))
            set_binary_bounds(r, mip, j);
    return ok;
}

/* A primal heuristic for MIP stages, started from `start`: fix the binaries (after the builder's
 * repair, which sets them from the hours), solve the LP of the rest, repair again from the new
 * hours, and repeat while the objective improves. The binaries mark who serves whom; once they are
 * fixed the hours are an LP, which GLPK solves far faster than it branches. Keeps the best point
 * in r->heur_x. */
static void improve_by_fixing(run *r, const sp_mip *mip, int term, const double *start)
{
    size_t n = mip->n_cols;
    if (start != r->lp_x)
        memcpy(r->lp_x, start, (n + 1) * sizeof *r->lp_x);
    for (int round = 0; round < 5 && !should_stop(r) && sp_now() < r->stage_deadline; round++) {
        if (has_repair(mip))
            call_repair(r, mip, r->lp_x);
        double round_start = sp_now();
        int solved = solve_with_binaries_fixed(r, mip, r->lp_x, 1);
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: fix-and-LP round %d: %s, %.6g (%.2f s)\n", round,
                    solved == 1 ? "solved" : solved ? "stopped" : "failed",
                    solved ? term_value(mip, term, r->x) : HUGE_VAL,
                    sp_now() - round_start);
        if (!solved)
            return;
        double value = term_value(mip, term, r->x);
        int better = !r->have_heur || value < r->heur_value - 1e-9 * fmax(1.0, fabs(value));
        if (better) {
            memcpy(r->heur_x, r->x, (n + 1) * sizeof *r->x);
            r->heur_value = value;
            r->have_heur = 1;
            copy_basis(r, &r->heur_basis);
            r->heur_basis_valid = 1;
        }
        if (!better || !has_repair(mip) || solved == 2)
            return;
        memcpy(r->lp_x, r->x, (n + 1) * sizeof *r->x);
    }
}

/* The fixing heuristic from the previous stage's plan, whose binaries keep every frozen term
 * reachable. The LP starts from that plan's basis when it came from this heuristic (then it is
 * primal feasible at once: only the objective changed). Binaries released in this stage (e.g.
 * resilience depth) were held at 0 in that plan; they are first solved relaxed, with the plan's
 * other binaries fixed, and rounded from the hours that LP gives. */
static const double *repaired_start(run *r, const sp_mip *mip);

static void improve_from_plan(run *r, const sp_mip *mip, int term)
{
    size_t n = mip->n_cols;
    /* The plan itself, repaired, is this stage's first incumbent, whatever the LPs below do. */
    repaired_start(r, mip);
    memcpy(r->heur_x, r->lp_x, (n + 1) * sizeof *r->lp_x);
    r->heur_value = term_value(mip, term, r->heur_x);
    r->have_heur = 1;
    r->heur_basis_valid = 0;
    memcpy(r->lp_x, r->prev_x, (n + 1) * sizeof *r->lp_x);
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: previous plan: %.6g%s\n", r->heur_value,
                r->plan_basis_valid ? ", with its basis" : "");
    if (r->plan_basis_valid)
        set_basis(r, r->plan_basis);
    int releases = 0;
    for (size_t j = 0; j < n && !releases; j++)
        releases = mip->col_binary[j] && released_now(r, mip, j);
    if (releases) {
        if (has_repair(mip))
            call_repair(r, mip, r->lp_x);
        double start = sp_now();
        int solved = solve_with_binaries_fixed(r, mip, r->lp_x, 0);
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: new binaries relaxed: %s (%.2f s)\n",
                    solved ? "solved" : "failed", sp_now() - start);
        if (solved)
            memcpy(r->lp_x, r->x, (n + 1) * sizeof *r->x);
    }
    improve_by_fixing(r, mip, term, r->lp_x);
}

/* Whether the heuristic's plan is already within the gap of `bound`. */
static int gap_closed(const run *r, double bound)
{
    return r->have_heur && r->heur_value - bound <= r->rel_gap * fmax(fabs(r->heur_value), 1e-9);
}

/* The previous stage's plan as this stage's first incumbent, after the builder's repair (which
 * sets auxiliary columns that had no cost before, e.g. a maximum, to their true values), held
 * columns at their lower bound. Uses r->lp_x. */
static const double *repaired_start(run *r, const sp_mip *mip)
{
    memcpy(r->lp_x, r->prev_x, (mip->n_cols + 1) * sizeof *r->lp_x);
    if (has_repair(mip))
        call_repair(r, mip, r->lp_x);
    for (size_t j = 0; j < mip->n_cols; j++)
        if (held(r, mip, j))
            r->lp_x[j + 1] = mip->col_lb[j];
    return r->lp_x;
}

/* Whether x1 (1-based) satisfies every bound, integrality, row and frozen term of the current
 * stage, to a tolerance of 1e-6 relative: GLPK takes incumbents on trust, so a point built
 * outside an LP (a plan from the blocks) is checked here first. */
static int is_feasible(run *r, const sp_mip *mip, const double *x1)
{
    for (size_t j = 0; j < mip->n_cols; j++) {
        double v = x1[j + 1], lb = mip->col_lb[j];
        double ub = held(r, mip, j) ? mip->col_lb[j] : mip->col_ub[j];
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
        ok = term_value(mip, t, x1) <= r->frozen[t] + 1e-6 * fmax(1.0, fabs(r->frozen[t]));
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
            if (mip->col_binary[j] || held(r, mip, (size_t)j))
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
        for (int b = 0; ok && b < mip->n_blocks && !should_stop(r); b++)
            ok = solve_block(r, mip, b, row_map, col_map, stat_row, stat_col);
        ok = ok && !should_stop(r);
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
static double plan_from_blocks(run *r, const sp_mip *mip, int term)
{
    if (r->basis || r->block_started || !term_is_block_separable(mip, term) || !has_repair(mip))
        return -HUGE_VAL;
    double start = sp_now();
    r->block_objective = 0.0;
    r->subs = calloc((size_t)mip->n_blocks, sizeof *r->subs); /* NULL: solved cold twice */
    if (!block_start(r, mip)) {
        drop_subs(r, mip);
        return -HUGE_VAL;
    }
    r->block_started = 1;
    memcpy(r->lp_x, r->relax_x, (mip->n_cols + 1) * sizeof *r->lp_x);
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: blocks' point before repair: %.6g\n", term_value(mip, term, r->lp_x));
    call_repair(r, mip, r->lp_x);
    for (size_t j = 0; j < mip->n_cols; j++)
        if (held(r, mip, j))
            r->lp_x[j + 1] = mip->col_lb[j];
    int feasible = is_feasible(r, mip, r->lp_x);
    if (feasible) {
        memcpy(r->heur_x, r->lp_x, (mip->n_cols + 1) * sizeof *r->lp_x);
        r->heur_value = term_value(mip, term, r->heur_x);
        r->have_heur = 1;
    }
    double bound = r->block_objective;
    if (!gap_closed(r, bound) && !should_stop(r) && blocks_again_with_binaries(r, mip, term)) {
        if (r->log_level >= 3)
            fprintf(stderr, "staffpool: blocks again, the repaired binaries fixed: %.6g\n",
                    r->block_objective);
        memcpy(r->lp_x, r->relax_x, (mip->n_cols + 1) * sizeof *r->lp_x);
        call_repair(r, mip, r->lp_x);
        for (size_t j = 0; j < mip->n_cols; j++)
            if (held(r, mip, j))
                r->lp_x[j + 1] = mip->col_lb[j];
        double value = term_value(mip, term, r->lp_x);
        if ((!r->have_heur || value < r->heur_value) && is_feasible(r, mip, r->lp_x)) {
            memcpy(r->heur_x, r->lp_x, (mip->n_cols + 1) * sizeof *r->lp_x);
            r->heur_value = value;
            r->have_heur = feasible = 1;
        }
    }
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: stage %d from blocks: bound %.6g, plan %.6g (%.2f s)\n",
                term + 1, bound, feasible ? r->heur_value : HUGE_VAL, sp_now() - start);
    drop_subs(r, mip);
    post_progress(r, r->have_heur, r->heur_value, bound); /* on L, the first news in a minute */
    return bound;
}

static stage_outcome solve_stage(run *r, const sp_mip *mip, int term, int prev_integral,
                                 double *bound)
{
    size_t n = mip->n_cols;
    *bound = 0.0;
    r->have_heur = r->heur_basis_valid = 0;
    /* This stage's window: 2/(k+1) of the time left when k stages are left (4 stages: 40%, then
     * 50%, 67%, all). Heuristics and branching stop at its end once a plan is in hand, so that
     * a time-limited solve optimises every term with its honest gap, the earlier terms getting
     * a little more. The LP relaxation is bounded by the solve's deadline only. */
    double stage_end = HUGE_VAL;
    if (r->deadline != HUGE_VAL)
        stage_end = sp_now() + (r->deadline - sp_now()) * 2.0 / (mip->n_terms - term + 1);
    if (term == 0 && mip->start) { /* the caller's start solution, if it is one */
        memcpy(r->lp_x, mip->start, (n + 1) * sizeof *r->lp_x);
        r->start_ok = is_feasible(r, mip, r->lp_x);
        if (r->start_ok) {
            memcpy(r->heur_x, r->lp_x, (n + 1) * sizeof *r->lp_x);
            r->heur_value = term_value(mip, term, r->heur_x);
            r->have_heur = 1;
        }
        if (r->log_level >= 2)
            fprintf(stderr, "staffpool: start solution %s\n",
                    r->start_ok ? "taken" : "rejected: it breaks a bound or a row");
    }
    double block_bound = plan_from_blocks(r, mip, term);
    if (block_bound > -HUGE_VAL)
        *bound = block_bound;
    if (gap_closed(r, block_bound)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* the blocks prove it */
        *bound = fmin(block_bound, r->heur_value);
        return STAGE_PROVED;
    }
    int ret = solve_lp(r, mip);
    if (ret == GLP_ETMLIM) {
        if (r->stop_reason == SP_STOP_NONE)
            r->stop_reason = SP_STOP_TIME_LIMIT;
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }
    if (ret != 0 || glp_get_status(r->lp) == GLP_UNBND)
        return STAGE_INFEASIBLE; /* cannot happen for a well-built model; handled as no plan */
    if (glp_get_status(r->lp) == GLP_NOFEAS)
        return STAGE_INFEASIBLE;
    *bound = fmax(glp_get_obj_val(r->lp), block_bound);
    if (!mip->n_binaries || mip->lp_exact[term]) {
        for (size_t j = 1; j <= n; j++)
            r->x[j] = glp_get_col_prim(r->lp, (int)j);
        return STAGE_PROVED;
    }
    if (should_stop(r) && !r->have_heur)
        return STAGE_NO_X;
    if (r->have_heur && (should_stop(r) || r->stop_at_first)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        *bound = fmin(*bound, r->heur_value);
        return gap_closed(r, *bound) ? STAGE_PROVED : STAGE_STOPPED_WITH_X;
    }

    /* Incumbents before branching: the relaxation rounded, and the previous stage's choices. */
    double heur_start = sp_now();
    for (size_t j = 1; j <= n; j++)
        r->relax_x[j] = glp_get_col_prim(r->lp, (int)j);
    if (stage_end != HUGE_VAL) /* a third of what is left of the stage's window */
        r->stage_deadline = sp_now() + (stage_end - sp_now()) / 3.0;
    /* The previous stage's plan first: its binaries keep every frozen term reachable, so its LP
     * is feasible, while the relaxation's rounded binaries may not be (and the dual simplex can
     * take long to say so). */
    if (prev_integral)
        improve_from_plan(r, mip, term);
    else if (term == 0 && r->start_ok)
        improve_by_fixing(r, mip, term, mip->start);
    r->rounding_relaxation = 1;
    improve_by_fixing(r, mip, term, r->relax_x);
    r->rounding_relaxation = 0;
    r->stage_deadline = HUGE_VAL;
    post_progress(r, r->have_heur, r->heur_value, *bound);
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: stage %d: relaxation %.6g, heuristic %.6g (%.2f s)\n", term + 1,
                *bound, r->have_heur ? r->heur_value : HUGE_VAL, sp_now() - heur_start);
    restore_basis(r);
    ret = solve_lp(r, mip); /* back to the relaxation's optimum, which glp_intopt starts from */
    if (ret != 0 || glp_get_status(r->lp) != GLP_OPT)
        return STAGE_NO_X;
    if (r->have_heur && r->stop_at_first && !gap_closed(r, *bound)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }
    if (r->have_heur && r->heur_value - *bound <= r->rel_gap * fmax(fabs(r->heur_value), 1e-9)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* the bound proves it: no branching */
        *bound = fmin(*bound, r->heur_value);
        return STAGE_PROVED;
    }
    if (should_stop(r)) {
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }

    if (r->n_inactive) {
        activate_all(r, mip, r->have_heur ? r->heur_value : HUGE_VAL, *bound);
        ret = solve_lp(r, mip);
        if (ret != 0 || glp_get_status(r->lp) != GLP_OPT)
            return STAGE_NO_X;
    }

    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = r->log_level >= 3 ? GLP_MSG_ALL : r->log_level >= 2 ? GLP_MSG_ON : GLP_MSG_ERR;
    iocp.presolve = GLP_OFF; /* keeps column numbers for injected incumbents */
    iocp.br_tech = GLP_BR_PCH;
    iocp.gmi_cuts = iocp.mir_cuts = iocp.cov_cuts = iocp.clq_cuts = GLP_ON;
    iocp.tm_lim = remaining_ms(r);
    if (stage_end != HUGE_VAL && (r->have_heur || prev_integral)) {
        double share = stage_end - sp_now();
        r->stage_deadline = stage_end;
        if (share * 1000.0 < iocp.tm_lim)
            iocp.tm_lim = share <= 0 ? 0 : (int)(share * 1000.0);
    }
    iocp.mip_gap = r->rel_gap;
    iocp.cb_func = on_branch;
    iocp.cb_info = r;
    r->start_x = r->have_heur ? r->heur_x : prev_integral ? repaired_start(r, mip) : NULL;
    r->start_given = 0;
    r->best_bound = *bound;
    ret = glp_intopt(r->lp, &iocp);
    /* A stop before the solve's deadline, when this stage had a budget, is the budget's: GLPK's
     * own clock (whole milliseconds, started a little later) may end it just before ours. */
    int over_budget = r->stage_deadline != HUGE_VAL && r->stop_reason == SP_STOP_NONE &&
                      (ret == GLP_ETMLIM || ret == GLP_ESTOP) && sp_now() < r->deadline;
    r->stage_deadline = HUGE_VAL;
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: stage %d: branch-and-cut returned %d, status %d\n", term + 1,
                ret, glp_mip_status(r->lp));
    uncap_columns(r, mip);
    if (ret == GLP_ETMLIM && r->stop_reason == SP_STOP_NONE && !over_budget)
        r->stop_reason = SP_STOP_TIME_LIMIT;
    r->budget_stopped |= over_budget;
    int status = glp_mip_status(r->lp);
    if (status == GLP_NOFEAS)
        return STAGE_INFEASIBLE;
    if (status != GLP_OPT && status != GLP_FEAS) {
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* stopped before GLPK took it up */
        *bound = fmin(r->heur_value, fmax(*bound, r->best_bound));
        return STAGE_STOPPED_WITH_X;
    }
    for (size_t j = 1; j <= n; j++)
        r->x[j] = glp_mip_col_val(r->lp, (int)j);
    double value = glp_mip_obj_val(r->lp);
    *bound = fmin(value, fmax(*bound, r->best_bound));
    if ((status == GLP_OPT && ret == 0) || ret == GLP_EMIPGAP) {
        /* GLPK stops when the tree is empty, or with GLP_EMIPGAP when the gap is below mip_gap. */
        *bound = fmin(value, fmax(*bound, value - r->rel_gap * fabs(value)));
        return STAGE_PROVED;
    }
    return STAGE_STOPPED_WITH_X;
}

/* The stage loop; runs inside the trap. Returns SP_OK or a negative code. */
static int run_stages(run *r, const sp_mip *mip, sp_mip_result *res)
{
    size_t n = mip->n_cols;
    if (load_problem(r, mip) != SP_OK)
        return SP_EINVAL;
    int have_x = 0, prev_integral = 0, all_proved = 1;
    for (int term = 0; term < mip->n_terms; term++) {
        if (term > 0)
            freeze_term(r, mip, term - 1, res->term_value[term - 1]);
        r->term = term;
        release_columns(r, mip, term);
        set_objective(r->lp, mip, term);
        if (should_stop(r)) {
            all_proved = 0;
            break;
        }
        double bound, stage_start = sp_now();
        r->stage = term;
        post_progress(r, 0, 0.0, -HUGE_VAL); /* a new stage: no solution, no bound yet */
        stage_outcome outcome = solve_stage(r, mip, term, prev_integral, &bound);
        if (r->log_level >= 2)
            fprintf(stderr, "staffpool: stage %d of %d: outcome %d, %.2f s\n", term + 1,
                    mip->n_terms, (int)outcome, sp_now() - stage_start);
        if (outcome == STAGE_INFEASIBLE && term == 0) {
            res->status = SP_STATUS_INFEASIBLE;
            return SP_OK;
        }
        res->term_bound[term] = bound;
        if (outcome == STAGE_PROVED || outcome == STAGE_STOPPED_WITH_X) {
            /* The plan's basis goes on with it when the plan is the heuristic's LP point. */
            r->plan_basis_valid = r->have_heur && r->heur_basis_valid &&
                                  memcmp(r->x + 1, r->heur_x + 1, n * sizeof *r->x) == 0;
            if (r->plan_basis_valid) {
                int *swap = r->plan_basis;
                r->plan_basis = r->heur_basis;
                r->heur_basis = swap;
            }
            memcpy(r->prev_x, r->x, (n + 1) * sizeof *r->x);
            have_x = 1;
            /* The plan's columns must be in the LP, or the next stage's LP cannot reach the
             * frozen value (a plan from the blocks uses columns the whole LP never priced). */
            for (size_t j = 1; j <= n; j++)
                if (!r->active[j] && r->x[j] != 0.0)
                    activate(r, mip, (int)j, HUGE_VAL);
            deactivate_unused(r, mip);
            prev_integral = !mip->n_binaries || !mip->lp_exact[term];
            res->term_value[term] = term_value(mip, term, r->prev_x);
            if (res->term_bound[term] > res->term_value[term])
                res->term_bound[term] = res->term_value[term];
            post_progress(r, 1, res->term_value[term], res->term_bound[term]);
        }
        if (outcome != STAGE_PROVED) {
            all_proved = 0;
            if (outcome != STAGE_STOPPED_WITH_X || r->stop_reason != SP_STOP_NONE)
                break; /* a stage stopped on its budget hands its plan on to the next */
        }
    }
    if (!all_proved && r->stop_reason == SP_STOP_NONE && (r->budget_stopped || sp_now() >= r->deadline))
        r->stop_reason = SP_STOP_TIME_LIMIT; /* a GLPK call stopped on its own tm_lim */
    if (!have_x) {
        res->status = SP_STATUS_NO_SOLUTION;
        return SP_OK;
    }
    res->x = malloc((n ? n : 1) * sizeof *res->x);
    if (!res->x)
        return SP_ENOMEM;
    memcpy(res->x, r->prev_x + 1, n * sizeof *res->x);
    for (int term = 0; term < mip->n_terms; term++)
        res->term_value[term] = term_value(mip, term, r->prev_x);
    res->status = all_proved ? SP_STATUS_OPTIMAL : SP_STATUS_FEASIBLE;
    return SP_OK;
}

#define TRAPPED 1

/* Everything GLPK does, inside the trap. Returns TRAPPED after a GLPK fatal error (the thread's
 * GLPK environment is then already freed), else run_stages' code. Only r's heap object carries
 * state across the longjmp, so no local here can be clobbered. */
static int trapped_run(run *r, const sp_mip *mip, sp_mip_result *res)
{
    glp_term_hook(on_term, r);
    glp_error_hook(on_error, r);
    if (setjmp(r->jump) != 0) {
        glp_free_env(); /* every GLPK object of this thread is now gone */
        sp_mip_result_clear(res);
        return TRAPPED;
    }
    r->lp = glp_create_prob();
    int rc = run_stages(r, mip, res);
    res->stop_reason = r->stop_reason;
    glp_delete_prob(r->lp);
    glp_term_hook(NULL, NULL);
    glp_error_hook(NULL, NULL);
    glp_free_env();
    return rc;
}

static void free_buffers(run *r)
{
    free(r->ia), free(r->ja), free(r->ar), free(r->x), free(r->prev_x), free(r->basis), free(r->heur_x), free(r->lp_x), free(r->active), free(r->pricing);
    free(r->relax_x), free(r->heur_basis), free(r->plan_basis), free(r->force_zero);
    free(r->subs); /* the problems themselves went with the GLPK environment */
    r->force_zero = NULL;
    r->subs = NULL;
    r->relax_x = NULL;
    r->heur_basis = r->plan_basis = NULL;
    r->ia = r->ja = r->basis = NULL;
    r->ar = r->x = r->prev_x = r->heur_x = r->lp_x = NULL;
    r->active = NULL;
    r->pricing = NULL;
}

int sp_mip_solve_lex(sp_mip_result *res, const sp_mip *mip, const sp_solve_options *opts,
                     sp_error *err)
{
    double start = sp_now();
    memset(res, 0, sizeof *res);
    sp_solve_options defaults;
    sp_solve_options_init(&defaults);
    if (!opts)
        opts = &defaults;
    run *r = calloc(1, sizeof *r);
    if (!r)
        return sp_fail(err, SP_ENOMEM, "out of memory starting a solve");
    r->log_level = opts->log_level;
    r->rel_gap = opts->rel_gap;
    r->started = start;
    r->stage_deadline = HUGE_VAL;
    r->model_file = opts->model_file;
    r->cancel = opts->cancel;
    r->progress = opts->progress;
    r->stages = mip->n_terms;
    r->deadline = opts->time_limit >= 0 ? start + opts->time_limit : HUGE_VAL;
    r->stop_at_first = mip->stop_at_first;
    size_t width = (mip->n_coefs > mip->n_cols ? mip->n_coefs : mip->n_cols) + 2;
    r->ia = malloc(width * sizeof *r->ia);
    r->ja = malloc(width * sizeof *r->ja);
    r->ar = malloc(width * sizeof *r->ar);
    r->x = calloc(mip->n_cols + 1, sizeof *r->x);
    r->prev_x = calloc(mip->n_cols + 1, sizeof *r->prev_x);
    r->heur_x = calloc(mip->n_cols + 1, sizeof *r->heur_x);
    r->lp_x = calloc(mip->n_cols + 1, sizeof *r->lp_x);
    r->relax_x = calloc(mip->n_cols + 1, sizeof *r->relax_x);
    r->active = calloc(mip->n_cols + 1, 1);
    r->pricing = malloc((mip->n_cols + 1) * sizeof *r->pricing);
    if (!r->active || !r->pricing || !r->ia || !r->ja || !r->ar || !r->x || !r->prev_x || !r->heur_x || !r->lp_x || !r->relax_x) {
        free_buffers(r);
        free(r);
        return sp_fail(err, SP_ENOMEM, "out of memory for a model of %zu columns", mip->n_cols);
    }
    /* GLPK aborts if it cannot create its environment, before any hook could catch it, so the
     * environment is created first and on its own. */
    int env = glp_init_env();
    if (env != 0 && env != 1) {
        free_buffers(r);
        free(r);
        return sp_fail(err, SP_ESOLVER, "GLPK could not initialise its environment (%d)", env);
    }
    int rc = trapped_run(r, mip, res);
    if (rc == TRAPPED) {
        char *text = r->glpk_text;
        size_t len = strlen(text);
        while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
            text[--len] = '\0';
        rc = sp_fail(err, SP_ESOLVER, "GLPK error: %s", *text ? text : "(no message)");
    } else if (rc == SP_EINVAL) {
        rc = sp_fail_field(err, "options", NULL, "model_file", "cannot write '%.200s'",
                           opts->model_file);
    } else if (rc) {
        rc = sp_fail(err, rc, "out of memory reading the solution");
    } else {
        sp_ok(err);
    }
    if (rc)
        sp_mip_result_clear(res);
    res->seconds = sp_now() - start;
    free_buffers(r);
    free(r);
    return rc;
}

int sp_selftest_glpk_trap(sp_error *err)
{
    sp_mip *mip = sp_mip_new(1);
    if (!mip)
        return sp_fail(err, SP_ENOMEM, "out of memory");
    int col = sp_mip_add_col(mip, 0.0, 1.0, 0);
    sp_mip_set_obj(mip, 0, col, 1.0);
    sp_mip_inject_glpk_fault(mip);
    sp_mip_result res;
    int rc = sp_mip_solve_lex(&res, mip, NULL, err);
    sp_mip_result_clear(&res);
    sp_mip_free(mip);
    return rc;
}
