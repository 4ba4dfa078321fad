/* The model a builder describes: columns, rows, coefficients, objective terms and the hints
 * the solve uses (lazy columns, blocks, first stages, start solution, repair hook), kept as
 * plain data in an sp_mip until sp_mip_solve_lex hands it to GLPK. */
#include "mip_run.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        free(mip->col_group), free(mip->col_block), free(mip->col_start_upper);
    free(mip->row_block);
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

void sp_mip_set_window(sp_mip *mip, sp_mip_window_fn fn)
{
    mip->window = fn;
}

void sp_mip_set_repair_for_term(sp_mip *mip, sp_mip_repair_term_fn fn, void *ctx)
{
    mip->repair = NULL;
    mip->repair_term = fn;
    mip->repair_ctx = ctx;
}

void sp_mip_set_term_unit(sp_mip *mip, int term, double unit)
{
    if (term >= 0 && term < mip->n_terms && unit >= 0.0)
        mip->term_unit[term] = unit;
}

void sp_mip_set_lp_exact(sp_mip *mip, int term)
{
    if (term >= 0 && term < mip->n_terms)
        mip->lp_exact[term] = 1;
}

size_t sp_mip_cols(const sp_mip *mip)
{
    return mip->n_cols;
}
size_t sp_mip_rows(const sp_mip *mip)
{
    return mip->n_rows;
}
size_t sp_mip_binaries(const sp_mip *mip)
{
    return mip->n_binaries;
}
void sp_mip_inject_glpk_fault(sp_mip *mip)
{
    mip->inject_fault = 1;
}
