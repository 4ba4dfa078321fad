/* The rota search (docs/rota.md "The search"): a first roster person by person -- starting from
 * the published rota when there is one --, the whole MIP started from it, then fix-and-optimise
 * over people and day windows with the solver layer as sub-solver, all inside the caller's time
 * limit. sp_rota_solve ties them together and reads the roster back. */
#include "rota.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSTRUCT_GAP 0.01

/* The solver layer's repair hook, used to hand it the incumbent: it sets the binaries of a
 * model to a roster, which the layer's fixing heuristic then turns into the starting incumbent of
 * branch-and-cut when it is feasible there (the layer has no other way to take a start). */
typedef struct incumbent_hook {
    const rt_model *m;
    const int *roster;
} incumbent_hook;

static void set_incumbent(void *ctx, double *x1)
{
    const incumbent_hook *h = ctx;
    const sp_rota *r = h->m->rota;
    size_t K = r->n_posts;
    for (size_t i = 0; i < r->n_people * (size_t)r->days; i++)
        for (size_t k = 0; k < K; k++) {
            int c = h->m->xcol[i * K + k];
            if (c >= 0)
                x1[c + 1] = h->roster[i] == (int)k ? 1.0 : 0.0;
        }
}

static unsigned long next_random(unsigned long *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static sp_solve_options sub_options(const sp_solve_options *opts)
{
    sp_solve_options sub = *opts;
    sub.model_file = NULL;
    sub.log_level = opts->log_level > 2 ? 2 : (opts->log_level > 1 ? 1 : opts->log_level);
    return sub;
}

/* The published rota as a start: each person's published line, without what they can no longer
 * work, with pins and frozen assignments in place; start_ok[p] = 1 for the people with a
 * published line that breaks no hard rule. */
static void published_start(const sp_rota *r, const rt_prep *prep, int *start,
                            unsigned char *start_ok)
{
    size_t P = r->n_people, H = (size_t)r->days;
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        int any = 0;
        for (size_t d = 0; d < H; d++) {
            int pub = pe->published[d], hard = prep->hard[p * H + d];
            any |= pub >= 0;
            start[p * H + d] = hard >= 0 ? hard
                               : pub >= 0 && sp_rota_can_work(r, prep, p, (int)d, (size_t)pub) ? pub
                                                                                               : -1;
        }
        start_ok[p] = any && !sp_rota_line_breaks(r, prep, p, start + p * H);
    }
}

/* The objective of a roster, recomputed from it. */
static int roster_value(double *value, const sp_rota *r, const rt_prep *prep, const int *roster)
{
    sp_rota_result *tmp = calloc(1, sizeof *tmp);
    if (!tmp)
        return SP_ENOMEM;
    int rc = sp_rota_results(tmp, r, prep, roster, 0);
    *value = tmp->objective;
    sp_rota_result_free(tmp);
    return rc;
}

/* A first roster, person by person: each person's line is the best one given the lines of the
 * people before them, the people after them left out (every hard rule is per person, so lines
 * chosen this way combine into a feasible roster). People whose published line is still feasible
 * keep it and come first; the others' published lines are handed to their sub-MIP as a starting
 * point. Returns 1 with best and *value filled, 0 when a person has no feasible line in the time
 * left, or a negative error code. */
static int construct(const sp_rota *r, const rt_prep *prep, int *best, double *value,
                     double deadline, const sp_solve_options *opts, sp_error *err)
{
    size_t P = r->n_people, H = (size_t)r->days, n = P * H > 0 ? P * H : 1;
    int *fixed = malloc(n * sizeof *fixed), *start = malloc(n * sizeof *start);
    int *hint = malloc(n * sizeof *hint);
    unsigned char *start_ok = calloc(P ? P : 1, 1);
    if (!fixed || !start || !hint || !start_ok) {
        free(fixed), free(start), free(hint), free(start_ok);
        return sp_fail(err, SP_ENOMEM, "out of memory building a first roster");
    }
    if (r->n_published)
        published_start(r, prep, start, start_ok);
    for (size_t p = 0; p < P; p++)
        for (size_t d = 0; d < H; d++)
            fixed[p * H + d] = start_ok[p] ? start[p * H + d] : -3;
    int ok = 1;
    *value = 0.0;
    for (size_t p = 0; ok && p < P; p++) {
        if (start_ok[p])
            continue;
        if (sp_cancel_is_raised(opts->cancel)) {
            ok = 0;
            break;
        }
        for (size_t d = 0; d < H; d++)
            fixed[p * H + d] = -2;
        /* the people before are folded: each line's MIP is as small as the line itself */
        rt_model m = {.rota = r, .prep = prep, .fixed = fixed, .fold = 1};
        int rc = sp_rota_build(&m);
        memcpy(hint, fixed, n * sizeof *hint);
        memcpy(hint + p * H, start + p * H, H * sizeof *hint);
        incumbent_hook hook = {.m = &m, .roster = hint};
        if (!rc && r->n_published)
            sp_mip_set_repair(m.mip, set_incumbent, &hook);
        /* a line within 1% of the best is good enough here: the search improves it later */
        sp_solve_options sub = sub_options(opts);
        sub.rel_gap = fmax(sub.rel_gap, CONSTRUCT_GAP);
        /* With a deadline each line gets its share of half the time left (the search needs the
         * rest); a line found but not proved is taken as it is. Without one, every line is
         * solved to the gap. */
        size_t to_go = 0;
        for (size_t q = p; q < P; q++)
            to_go += !start_ok[q];
        if (deadline != HUGE_VAL)
            sub.time_limit =
                fmax(0.0, fmin(deadline - sp_now(),
                               fmax(1.0, 0.5 * (deadline - sp_now()) / (double)to_go)));
        sp_mip_result res = {0};
        double t0 = sp_now();
        if (!rc)
            rc = sp_mip_solve_lex(&res, m.mip, &sub, err);
        else
            sp_fail(err, rc, "out of memory building a first roster");
        if (!rc && !res.x && res.status == SP_STATUS_NO_SOLUTION && deadline > sp_now()) {
            sp_mip_result_clear(&res); /* nothing within its share: give it all that is left */
            sub.time_limit = fmax(0.0, deadline - sp_now());
            rc = sp_mip_solve_lex(&res, m.mip, &sub, err);
        }
        if (opts->log_level >= 2)
            fprintf(stderr, "staffpool: rota first roster: person %zu in %.2f s, status %d\n", p,
                    sp_now() - t0, rc ? -1 : res.status);
        if (rc) {
            sp_rota_model_free(&m);
            free(fixed), free(start), free(hint), free(start_ok);
            return rc;
        }
        if (res.x) {
            sp_rota_roster_of(&m, res.x, best);
            for (size_t d = 0; d < H; d++)
                fixed[p * H + d] = best[p * H + d];
            *value = res.term_value[0];
        } else {
            ok = 0;
        }
        sp_mip_result_clear(&res);
        sp_rota_model_free(&m);
    }
    int rc = SP_OK;
    if (ok) {
        memcpy(best, fixed, P * H * sizeof *best);
        rc = roster_value(value, r, prep, best); /* the kept lines count too */
    }
    free(fixed), free(start), free(hint), free(start_ok);
    return rc ? sp_fail(err, rc, "out of memory building a first roster") : ok;
}

/* Large neighbourhood search with the solver layer as sub-solver: frees a few people over the
 * whole horizon, or everyone over a window of days, keeps the rest of the incumbent fixed, and
 * solves that small MIP; a better roster replaces the incumbent. Runs until the deadline or a
 * cancel. Returns SP_OK or an error code. */
static int improve(const sp_rota *r, const rt_prep *prep, int *best, double *best_value,
                   double deadline, const sp_solve_options *opts, double bound, int *proved,
                   sp_error *err)
{
    size_t P = r->n_people, H = (size_t)r->days, K = r->n_posts;
    int *fixed = malloc((P * H > 0 ? P * H : 1) * sizeof *fixed);
    if (!fixed)
        return SP_ENOMEM;
    unsigned long rng = 88172645463325252UL;
    double size = 320.0; /* free binaries aimed at per neighbourhood */
    int rc = SP_OK, since_better = 0;
    for (int iter = 0; sp_now() < deadline - 0.05 && !sp_cancel_is_raised(opts->cancel); iter++) {
        if (*best_value <= bound + 1e-9) {
            *proved = 1;
            break;
        }
        for (size_t i = 0; i < P * H; i++)
            fixed[i] = best[i];
        if (iter % 2 == 0 || H < 2) { /* a few people, the whole horizon */
            size_t k = (size_t)fmax(2.0, size / (double)(H * (K ? K : 1)));
            for (size_t j = 0; j < k && j < P; j++) {
                size_t p = next_random(&rng) % P;
                for (size_t d = 0; d < H; d++)
                    fixed[p * H + d] = -2;
            }
        } else { /* everyone, a window of days */
            size_t len = (size_t)fmax(2.0, size / (double)(P * (K ? K : 1)));
            if (len > H)
                len = H;
            size_t first = next_random(&rng) % (H - len + 1);
            for (size_t p = 0; p < P; p++)
                for (size_t d = first; d < first + len; d++)
                    fixed[p * H + d] = -2;
        }
        rt_model m = {.rota = r, .prep = prep, .fixed = fixed};
        rc = sp_rota_build(&m);
        if (rc) {
            sp_rota_model_free(&m);
            sp_fail(err, rc, "out of memory building a neighbourhood");
            break;
        }
        incumbent_hook hook = {.m = &m, .roster = best};
        sp_mip_set_repair(m.mip, set_incumbent, &hook);
        sp_solve_options sub = sub_options(opts);
        sub.time_limit = fmin(fmax(1.0, 0.05 * (deadline - sp_now())), deadline - sp_now());
        if (sub.time_limit <= 0) {
            sp_rota_model_free(&m);
            break;
        }
        sp_mip_result res = {0};
        rc = sp_mip_solve_lex(&res, m.mip, &sub, err);
        since_better++;
        if (!rc && res.x && res.term_value[0] < *best_value - 1e-6) {
            since_better = 0;
            *best_value = res.term_value[0];
            sp_rota_roster_of(&m, res.x, best);
            if (opts->log_level >= 2)
                fprintf(stderr, "staffpool: rota search %d: %.6g at %.1f s left\n", iter,
                        *best_value, deadline - sp_now());
        }
        /* grow the neighbourhood while sub-MIPs are proved quickly, shrink it when they are not */
        if (!rc)
            size *= res.status == SP_STATUS_OPTIMAL ? 1.1 : 0.8;
        if (since_better >= 8) { /* stuck: look further */
            size *= 1.5;
            since_better = 0;
        }
        size = fmin(fmax(size, 40.0), 4000.0);
        sp_mip_result_clear(&res);
        sp_rota_model_free(&m);
        if (rc)
            break;
    }
    free(fixed);
    return rc;
}

/* The search proper; fills result's status, bound and model size, and best (roster) when
 * *have_roster is set. */
static int search(sp_rota_result *result, int *best, int *have_roster, int *integral,
                  const sp_rota *r, const rt_prep *prep, const sp_solve_options *opts,
                  double deadline, sp_error *err)
{
    *have_roster = 0;
    rt_model m = {.rota = r, .prep = prep};
    int rc = sp_rota_build(&m);
    if (rc) {
        sp_rota_model_free(&m);
        return sp_fail(err, rc,
                       rc == SP_ERANGE ? "the rota is too large to model"
                                       : "out of memory building the model");
    }
    *integral = m.integral;
    result->columns = sp_mip_cols(m.mip);
    result->rows = sp_mip_rows(m.mip);
    result->binaries = sp_mip_binaries(m.mip);
    double value = HUGE_VAL;
    int have_start = construct(r, prep, best, &value, deadline, opts, err);
    if (have_start < 0) {
        sp_rota_model_free(&m);
        return have_start;
    }
    if (sp_cancel_is_raised(opts->cancel)) { /* do not start the whole MIP's LP after a cancel */
        sp_rota_model_free(&m);
        *have_roster = have_start;
        result->status = have_start ? SP_STATUS_FEASIBLE : SP_STATUS_NO_SOLUTION;
        result->stop_reason = SP_STOP_CANCELLED;
        result->bound = 0.0; /* every penalty is >= 0 */
        return SP_OK;
    }
    /* With a time limit the whole MIP gets a quarter of what is left after the first roster (it
     * gives the bound and often a better roster), the neighbourhood search the rest. */
    incumbent_hook hook = {.m = &m, .roster = best};
    if (have_start)
        sp_mip_set_repair(m.mip, set_incumbent, &hook);
    sp_solve_options first = *opts;
    if (opts->time_limit > 0)
        first.time_limit = fmax(0.0, 0.25 * (deadline - sp_now()));
    sp_mip_result res = {0};
    rc = sp_mip_solve_lex(&res, m.mip, &first, err);
    if (rc) {
        sp_rota_model_free(&m);
        return rc;
    }
    result->status = res.status;
    result->stop_reason = res.stop_reason;
    result->bound = res.term_bound[0];
    if (res.x) {
        sp_rota_roster_of(&m, res.x, best);
        value = res.term_value[0];
        *have_roster = 1;
    } else if (have_start && res.status == SP_STATUS_NO_SOLUTION) {
        /* the whole MIP stopped before it took the first roster up: carry on from it */
        *have_roster = 1;
        result->status = SP_STATUS_FEASIBLE;
    }
    sp_mip_result_clear(&res);
    sp_rota_model_free(&m);
    if (*have_roster && result->status == SP_STATUS_FEASIBLE &&
        !sp_cancel_is_raised(opts->cancel) && deadline != HUGE_VAL) {
        int proved = 0;
        rc = improve(r, prep, best, &value, deadline, opts, result->bound, &proved, err);
        result->status = proved ? SP_STATUS_OPTIMAL : SP_STATUS_FEASIBLE;
        result->stop_reason = proved                              ? SP_STOP_NONE
                              : sp_cancel_is_raised(opts->cancel) ? SP_STOP_CANCELLED
                                                                  : SP_STOP_TIME_LIMIT;
    } else if (*have_roster && result->status == SP_STATUS_FEASIBLE &&
               result->stop_reason == SP_STOP_NONE) {
        result->stop_reason =
            sp_cancel_is_raised(opts->cancel) ? SP_STOP_CANCELLED : SP_STOP_TIME_LIMIT;
    }
    return rc;
}

int sp_rota_solve(sp_rota_result **out, const sp_rota *r, const sp_solve_options *opts,
                  sp_error *err)
{
    double start = sp_now();
    *out = NULL;
    sp_solve_options defaults;
    if (!opts) {
        sp_solve_options_init(&defaults);
        opts = &defaults;
    }
    if (isnan(opts->time_limit))
        return sp_fail_field(err, "options", NULL, "time_limit", "must be a number (got NaN)");
    if (!isfinite(opts->rel_gap) || opts->rel_gap < 0 || opts->rel_gap >= 1)
        return sp_fail_field(err, "options", NULL, "rel_gap", "must be in [0, 1) (got %g)",
                             opts->rel_gap);
    double deadline = opts->time_limit >= 0 ? start + opts->time_limit : HUGE_VAL;
    if (!r->frozen && sp_rota_freeze_shifts((sp_rota *)r, err))
        return SP_ENOMEM;
    rt_prep prep;
    int rc = sp_rota_prep(&prep, r, err);
    if (rc)
        return rc;
    sp_rota_result *result = calloc(1, sizeof *result);
    size_t n = r->n_people * (size_t)r->days;
    int *best = malloc((n ? n : 1) * sizeof *best);
    if (!result || !best) {
        free(result), free(best);
        sp_rota_prep_free(&prep);
        return sp_fail(err, SP_ENOMEM, "out of memory for the result");
    }
    int have_roster = 0, integral = 0;
    rc = search(result, best, &have_roster, &integral, r, &prep, opts, deadline, err);
    if (!rc) {
        rc = sp_rota_results(result, r, &prep, have_roster ? best : NULL, integral);
        if (!rc && have_roster)
            rc = sp_rota_gap_reasons(result, r, &prep, best);
        if (rc)
            sp_fail(err, rc, "out of memory reading the roster");
    }
    free(best);
    sp_rota_prep_free(&prep);
    if (rc) {
        sp_rota_result_free(result);
        return rc;
    }
    result->seconds = sp_now() - start;
    *out = result;
    sp_ok(err);
    return SP_OK;
}
