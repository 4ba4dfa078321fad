/* A lexicographic solve from start to end: sp_mip_solve_lex sets up a run, traps GLPK's fatal
 * errors, loads the model and goes through the stages one objective term at a time, freezing
 * each finished term; and the run's clock, cancel flag, progress posts and GLPK's terminal
 * output. One stage is solved by mip_stage.c. */
#include "mip_run.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_mip_result_clear(sp_mip_result *res)
{
    free(res->x);
    memset(res, 0, sizeof *res);
}

void sp_glpk_keep_tail(char *tail, size_t size, const char *text)
{
    size_t have = strlen(tail), add = strlen(text), cap = size - 1;
    if (add >= cap) {
        text += add - cap;
        add = cap;
    }
    if (have + add > cap) {
        size_t drop = have + add - cap;
        memmove(tail, tail + drop, have - drop + 1);
        have -= drop;
    }
    memcpy(tail + have, text, add + 1);
}

static int on_term(void *info, const char *text)
{
    run *r = info;
    sp_glpk_keep_tail(r->glpk_text, sizeof r->glpk_text, text);
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
void sp_mipx_post_progress(const run *r, int has_incumbent, double incumbent, double bound)
{
    sp_progress_post(r->progress, r->stage, r->stages, has_incumbent, incumbent, bound,
                     sp_now() - r->started);
}

int sp_mipx_should_stop(run *r)
{
    if (sp_cancel_is_raised(r->cancel))
        r->stop_reason = SP_STOP_CANCELLED;
    else if (sp_now() >= r->deadline)
        r->stop_reason = SP_STOP_TIME_LIMIT;
    return r->stop_reason != SP_STOP_NONE;
}

int sp_mipx_remaining_ms(const run *r)
{
    if (r->deadline == HUGE_VAL)
        return INT_MAX;
    double ms = (r->deadline - sp_now()) * 1000.0;
    return ms <= 0 ? 0 : ms >= INT_MAX ? INT_MAX : (int)ms;
}

/* The stage loop; runs inside the trap. Returns SP_OK or a negative code. */
static int run_stages(run *r, const sp_mip *mip, sp_mip_result *res)
{
    size_t n = mip->n_cols;
    if (sp_mipx_load_problem(r, mip) != SP_OK)
        return SP_EINVAL;
    int have_x = 0, prev_integral = 0, all_proved = 1;
    for (int term = 0; term < mip->n_terms; term++) {
        if (term > 0)
            sp_mipx_freeze_term(r, mip, term - 1, res->term_value[term - 1]);
        r->term = term;
        sp_mipx_release_columns(r, mip, term);
        sp_mipx_set_objective(r->lp, mip, term);
        if (sp_mipx_should_stop(r)) {
            all_proved = 0;
            break;
        }
        double bound, stage_start = sp_now();
        r->stage = term;
        sp_mipx_post_progress(r, 0, 0.0, -HUGE_VAL); /* a new stage: no solution, no bound yet */
        stage_outcome outcome = sp_mipx_solve_stage(r, mip, term, prev_integral, &bound);
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
                    sp_mipx_activate(r, mip, (int)j, HUGE_VAL);
            sp_mipx_deactivate_unused(r, mip, r->prev_x);
            prev_integral = !mip->n_binaries || !mip->lp_exact[term];
            res->term_value[term] = sp_mipx_term_value(mip, term, r->prev_x);
            if (res->term_bound[term] > res->term_value[term])
                res->term_bound[term] = res->term_value[term];
            sp_mipx_post_progress(r, 1, res->term_value[term], res->term_bound[term]);
        }
        if (outcome != STAGE_PROVED) {
            all_proved = 0;
            if (outcome != STAGE_STOPPED_WITH_X || r->stop_reason != SP_STOP_NONE)
                break; /* a stage stopped on its budget hands its plan on to the next */
        }
    }
    if (!all_proved && r->stop_reason == SP_STOP_NONE &&
        (r->budget_stopped || sp_now() >= r->deadline))
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
        res->term_value[term] = sp_mipx_term_value(mip, term, r->prev_x);
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
    free(r->ia), free(r->ja), free(r->ar), free(r->x), free(r->prev_x), free(r->basis);
    free(r->heur_x), free(r->lp_x), free(r->active), free(r->pricing);
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
    if (!r->active || !r->pricing || !r->ia || !r->ja || !r->ar || !r->x || !r->prev_x ||
        !r->heur_x || !r->lp_x || !r->relax_x) {
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
