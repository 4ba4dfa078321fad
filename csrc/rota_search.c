/* The rota search (docs/rota.md "The search"): a first roster person by person by dynamic
 * programming (a small MIP for a person it finds no line for, or for everyone under a freeze
 * window over a published rota) -- starting from the published rota when there is one --, best
 * response passes, column generation (rota_colgen.c: a bound, price-and-dive and
 * price-and-branch), the whole MIP started from it, then fix-and-optimise over people and day
 * windows with the solver layer as sub-solver, mixed with dynamic-programming kicks, all inside
 * the caller's time limit. sp_rota_solve ties them together, posts progress and reads the roster
 * back. */
#include "rota_colgen.h"
#include "rota_dp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSTRUCT_GAP 0.01
/* The whole MIP's share of the time left after the first roster: a quarter on small models, where
 * it often proves the optimum (Curtois 1 in about 4 s); beyond WHOLE_MIP_SMALL binaries it rarely
 * improves the roster (on instance 3 nothing in 15 s), so it gets only enough for its bound and
 * the neighbourhood search the rest. */
#define WHOLE_MIP_SMALL 500
#define WHOLE_MIP_SHARE_SMALL 0.25
#define WHOLE_MIP_SHARE 0.12
/* Seconds per column GLPK spends setting the whole MIP up (building, scaling, first basis), where
 * no callback sees the clock: 54 s on Curtois instance 24 (1.75 M columns, machine loaded). The
 * whole MIP is skipped when its share of the time is smaller. */
#define WHOLE_MIP_SETUP_PER_COLUMN 3e-5
/* Each neighbourhood's share of the time left (at least 1 s). 0.02 was tried: 1004 twice on
 * instance 3 in 60 s (0.05: 1004-1102), but 922 on instance 2 (0.05: 828 in every run). */
#define SUB_MIP_SHARE 0.05

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

/* Posts the incumbent and bound to the caller's progress board (one stage: the penalty). */
static void post_progress(const sp_solve_options *opts, double started, int have, double value,
                          double bound)
{
    sp_progress_post(opts->progress, 0, 1, have, value, bound, sp_now() - started);
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
    sub.progress = NULL; /* the board shows the whole roster's objective, not a sub-problem's */
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

/* Whether lines chosen one person at a time by dynamic programming combine into a feasible
 * roster: every hard rule is per person except the cover's hard minimums (the lines are steered
 * to them, and the roster checked by hard_mins_met) and the freeze window over a published rota,
 * which binds people together (the MIP builds those lines). */
static int dp_applies(const sp_rota *r)
{
    return !(r->freeze_days > 0 && r->n_published > 0);
}

static int hard_mins_met(const sp_rota *r, const int *roster)
{
    size_t H = (size_t)r->days, K = r->n_posts;
    if (!r->cover)
        return 1;
    int *n = calloc(H * K + 1, sizeof *n);
    if (!n)
        return -1;
    for (size_t p = 0; p < r->n_people; p++)
        for (size_t d = 0; d < H; d++)
            if (roster[p * H + d] >= 0)
                n[d * K + (size_t)roster[p * H + d]]++;
    int ok = 1;
    for (size_t i = 0; ok && i < H * K; i++)
        ok = n[i] >= r->cover[i].hard_min;
    free(n);
    return ok;
}

/* Adds (sign 1) or removes (-1) a line to the per (day, post) counts. */
static void count_line(const sp_rota *r, int *assigned, const int *line, int sign)
{
    for (int d = 0; d < r->days; d++)
        if (line[d] >= 0)
            assigned[(size_t)d * r->n_posts + (size_t)line[d]] += sign;
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
    int ok = 1, use_dp = dp_applies(r);
    size_t K = r->n_posts;
    int *assigned = calloc(H * K + 1, sizeof *assigned);
    double *cost = malloc((H * K + 1) * sizeof *cost);
    unsigned char *off_ok = malloc(H + 1);
    if (!assigned || !cost || !off_ok) {
        free(fixed), free(start), free(hint), free(start_ok), free(assigned), free(cost),
            free(off_ok);
        return sp_fail(err, SP_ENOMEM, "out of memory building a first roster");
    }
    for (size_t p = 0; p < P; p++)
        if (start_ok[p])
            count_line(r, assigned, start + p * H, 1);
    *value = 0.0;
    for (size_t p = 0; ok && p < P; p++) {
        if (start_ok[p])
            continue;
        if (sp_cancel_is_raised(opts->cancel) || sp_now() >= deadline) {
            ok = 0; /* no roster in the time given: the caller reports it, never overruns */
            break;
        }
        if (use_dp) { /* the line by dynamic programming; a MIP only when that finds none */
            sp_rota_dp_costs(r, prep, p, assigned, cost, off_ok);
            int got = sp_rota_dp_line(r, prep, p, cost, off_ok, fixed + p * H);
            if (got < 0) {
                free(fixed), free(start), free(hint), free(start_ok), free(assigned), free(cost),
                    free(off_ok);
                return sp_fail(err, got, "out of memory building a first roster");
            }
            if (got) {
                count_line(r, assigned, fixed + p * H, 1);
                continue;
            }
            if (opts->log_level >= 2)
                fprintf(stderr, "staffpool: rota first roster: no line by DP for person %zu\n", p);
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
            free(fixed), free(start), free(hint), free(start_ok), free(assigned), free(cost),
                free(off_ok);
            return rc;
        }
        if (res.x) {
            sp_rota_roster_of(&m, res.x, best);
            for (size_t d = 0; d < H; d++)
                fixed[p * H + d] = best[p * H + d];
            count_line(r, assigned, fixed + p * H, 1);
            *value = res.term_value[0];
        } else {
            ok = 0;
        }
        sp_mip_result_clear(&res);
        sp_rota_model_free(&m);
    }
    int rc = SP_OK;
    if (ok && use_dp) {
        int met = hard_mins_met(r, fixed);
        if (met < 0)
            rc = SP_ENOMEM;
        ok = met == 1; /* else no first roster: the whole MIP looks for one */
    }
    if (ok && !rc) {
        memcpy(best, fixed, P * H * sizeof *best);
        rc = roster_value(value, r, prep, best); /* the kept lines count too */
    }
    free(fixed), free(start), free(hint), free(start_ok), free(assigned), free(cost), free(off_ok);
    return rc ? sp_fail(err, rc, "out of memory building a first roster") : ok;
}

/* Whether the objective has a fairness term (the lines' own costs leave it out). */
static int weighs_fairness(const sp_rota *r)
{
    const sp_rota_weights *w = &r->weights;
    return w->fairness_nights > 0 || w->fairness_weekends > 0 || w->fairness_unpopular > 0;
}

/* Best response by dynamic programming: each person in turn, in a random order, gets the best line
 * given everyone else's (a person's cover, request, travel and change terms are exact given the
 * others; fairness is checked on the whole roster when it has a weight). Passes repeat until one
 * changes nothing or the deadline. Returns 1 when the roster improved, 0 when not, or SP_ENOMEM. */
static int best_response(const sp_rota *r, const rt_prep *prep, int *best, double *value,
                         double deadline, const sp_solve_options *opts, unsigned long *rng)
{
    size_t P = r->n_people, H = (size_t)r->days, K = r->n_posts;
    int fair = weighs_fairness(r);
    int *assigned = calloc(H * K + 1, sizeof *assigned), *line = malloc((H + 1) * sizeof *line);
    int *order = malloc((P + 1) * sizeof *order), *old = malloc((H + 1) * sizeof *old);
    double *cost = malloc((H * K + 1) * sizeof *cost);
    unsigned char *off_ok = malloc(H + 1);
    int rc = 0;
    if (!assigned || !line || !order || !old || !cost || !off_ok) {
        rc = SP_ENOMEM;
        goto done;
    }
    for (size_t p = 0; p < P; p++) {
        count_line(r, assigned, best + p * H, 1);
        order[p] = (int)p;
    }
    for (int changed = 1; changed && sp_now() < deadline && !sp_cancel_is_raised(opts->cancel);) {
        changed = 0;
        for (size_t i = P; i > 1; i--) {
            size_t j = next_random(rng) % i;
            int tmp = order[i - 1];
            order[i - 1] = order[j];
            order[j] = tmp;
        }
        for (size_t i = 0; i < P && sp_now() < deadline; i++) {
            size_t p = (size_t)order[i];
            int *cur = best + p * H;
            count_line(r, assigned, cur, -1);
            sp_rota_dp_costs(r, prep, p, assigned, cost, off_ok);
            int got = sp_rota_dp_line(r, prep, p, cost, off_ok, line);
            if (got < 0) {
                rc = SP_ENOMEM;
                goto done;
            }
            double was = sp_rota_dp_value(r, cost, cur);
            if (got && sp_rota_dp_value(r, cost, line) < was - 1e-9 - 1e-12 * fabs(was)) {
                memcpy(old, cur, H * sizeof *old);
                memcpy(cur, line, H * sizeof *line);
                double v = *value;
                if (fair && (rc = roster_value(&v, r, prep, best)) != 0)
                    goto done;
                if (fair && v >= *value - 1e-9) {
                    memcpy(cur, old, H * sizeof *old);
                } else {
                    changed = rc = 1;
                }
            }
            count_line(r, assigned, cur, 1);
        }
    }
    if (rc == 1) {
        int vrc = roster_value(value, r, prep, best);
        if (vrc)
            rc = vrc;
    }
done:
    free(assigned), free(line), free(order), free(old), free(cost), free(off_ok);
    return rc;
}

/* A kick for the search: k random people's lines are taken out and rebuilt one after another by
 * dynamic programming under costs with random noise added (so that they do not simply come back),
 * then everyone gets a best response; the roster replaces best when it is better. Returns 1
 * better, 0 not, or SP_ENOMEM. */
static int dp_kick(const sp_rota *r, const rt_prep *prep, int *best, double *best_value, size_t k,
                   double deadline, const sp_solve_options *opts, unsigned long *rng)
{
    size_t P = r->n_people, H = (size_t)r->days, K = r->n_posts;
    int *trial = malloc((P * H + 1) * sizeof *trial),
        *assigned = calloc(H * K + 1, sizeof *assigned);
    size_t *who = malloc((k + 1) * sizeof *who);
    double *cost = malloc((H * K + 1) * sizeof *cost);
    unsigned char *off_ok = malloc(H + 1);
    int rc = 0;
    if (!trial || !assigned || !who || !cost || !off_ok) {
        rc = SP_ENOMEM;
        goto done;
    }
    memcpy(trial, best, P * H * sizeof *trial);
    for (size_t p = 0; p < P; p++)
        count_line(r, assigned, trial + p * H, 1);
    for (size_t j = 0; j < k; j++) {
        who[j] = next_random(rng) % P;
        count_line(r, assigned, trial + who[j] * H, -1);
        for (size_t d = 0; d < H; d++)
            trial[who[j] * H + d] = -1;
    }
    for (size_t j = 0; j < k; j++) {
        size_t p = who[j];
        count_line(r, assigned, trial + p * H, -1); /* a person drawn twice: already out */
        sp_rota_dp_costs(r, prep, p, assigned, cost, off_ok);
        double sum = 0.0;
        size_t n = 0;
        for (size_t i = 0; i < H * K; i++)
            if (cost[i] != HUGE_VAL && fabs(cost[i]) < 0.5 * SP_ROTA_DP_HARD_MIN) {
                sum += fabs(cost[i]);
                n++;
            }
        double noise = n ? sum / (double)n : 1.0;
        for (size_t i = 0; i < H * K; i++)
            if (cost[i] != HUGE_VAL)
                cost[i] += noise * (double)(next_random(rng) % 1000) / 1000.0;
        int got = sp_rota_dp_line(r, prep, p, cost, off_ok, trial + p * H);
        if (got <= 0) {
            rc = got;
            goto done;
        }
        count_line(r, assigned, trial + p * H, 1);
    }
    double value = HUGE_VAL;
    if ((rc = roster_value(&value, r, prep, trial)) != 0)
        goto done;
    if ((rc = best_response(r, prep, trial, &value, deadline, opts, rng)) < 0)
        goto done;
    rc = 0;
    int met = hard_mins_met(r, trial);
    if (met < 0) {
        rc = SP_ENOMEM;
        goto done;
    }
    if (met && value < *best_value - 1e-9) {
        memcpy(best, trial, P * H * sizeof *best);
        *best_value = value;
        rc = 1;
    }
done:
    free(trial), free(assigned), free(who), free(cost), free(off_ok);
    return rc;
}

/* A random (day, post) the roster leaves under its requirement with an under weight, as
 * day * posts + post; -1 when none, -2 out of memory. */
static long under_covered_cell(const sp_rota *r, const int *roster, unsigned long *rng)
{
    size_t H = (size_t)r->days, K = r->n_posts;
    if (!r->cover)
        return -1;
    int *n = calloc(H * K + 1, sizeof *n);
    if (!n)
        return -2;
    for (size_t p = 0; p < r->n_people; p++)
        count_line(r, n, roster + p * H, 1);
    size_t gaps = 0;
    for (size_t i = 0; i < H * K; i++)
        gaps += n[i] < r->cover[i].requirement && r->cover[i].under_weight > 0;
    long cell = -1;
    if (gaps) {
        size_t pick = next_random(rng) % gaps;
        for (size_t i = 0; i < H * K && cell < 0; i++)
            if (n[i] < r->cover[i].requirement && r->cover[i].under_weight > 0 && pick-- == 0)
                cell = (long)i;
    }
    free(n);
    return cell;
}

/* Large neighbourhood search with the solver layer as sub-solver: frees a few people over the
 * whole horizon, or everyone over a window of days, keeps the rest of the incumbent fixed, and
 * solves that small MIP; a better roster replaces the incumbent. Runs until the deadline or a
 * cancel. Returns SP_OK or an error code. */
static int improve(const sp_rota *r, const rt_prep *prep, int *best, double *best_value,
                   double deadline, const sp_solve_options *opts, double started, double bound,
                   int *proved, sp_error *err)
{
    size_t P = r->n_people, H = (size_t)r->days, K = r->n_posts;
    int *fixed = malloc((P * H > 0 ? P * H : 1) * sizeof *fixed);
    if (!fixed)
        return SP_ENOMEM;
    unsigned long rng = 88172645463325252UL;
    double size = 320.0; /* free binaries aimed at per neighbourhood */
    int rc = SP_OK, since_better = 0, use_dp = dp_applies(r);
    for (int iter = 0; sp_now() < deadline - 0.05 && !sp_cancel_is_raised(opts->cancel); iter++) {
        if (*best_value <= bound + 1e-9) {
            *proved = 1;
            break;
        }
        if (use_dp && iter % 3 == 2) { /* a kick by dynamic programming, between sub-MIPs */
            size_t k = 2 + next_random(&rng) % (P / 8 + 1);
            int got = dp_kick(r, prep, best, best_value, k, deadline, opts, &rng);
            if (got < 0) {
                rc = sp_fail(err, got, "out of memory in the search");
                break;
            }
            if (got) {
                post_progress(opts, started, 1, *best_value, bound);
                if (opts->log_level >= 2)
                    fprintf(stderr, "staffpool: rota kick %d: %.6g at %.1f s left\n", iter,
                            *best_value, deadline - sp_now());
            }
            continue;
        }
        for (size_t i = 0; i < P * H; i++)
            fixed[i] = best[i];
        /* every other neighbourhood is aimed at an under-covered (day, post) of the incumbent */
        long gap_cell = (iter / 2) % 2 ? under_covered_cell(r, best, &rng) : -1;
        if (gap_cell == -2) {
            rc = sp_fail(err, SP_ENOMEM, "out of memory in the search");
            break;
        }
        if (iter % 2 == 0 || H < 2) { /* a few people, the whole horizon */
            size_t k = (size_t)fmax(2.0, size / (double)(H * (K ? K : 1)));
            size_t gd = gap_cell >= 0 ? (size_t)gap_cell / K : 0, gk = (size_t)gap_cell % K;
            for (size_t j = 0, tries = 0; j < k && j < P && tries < 20 * P; tries++) {
                size_t p = next_random(&rng) % P;
                /* aimed: half of them people who could take the gap and do not */
                if (gap_cell >= 0 && j < k / 2 + 1 &&
                    (!sp_rota_can_work(r, prep, p, (int)gd, gk) || best[p * H + gd] == (int)gk))
                    continue;
                for (size_t d = 0; d < H; d++)
                    fixed[p * H + d] = -2;
                j++;
            }
        } else { /* everyone, a window of days (aimed: around the gap's day) */
            size_t len = (size_t)fmax(2.0, size / (double)(P * (K ? K : 1)));
            if (len > H)
                len = H;
            size_t first = next_random(&rng) % (H - len + 1);
            if (gap_cell >= 0) {
                size_t gd = (size_t)gap_cell / K, back = next_random(&rng) % len;
                first = gd >= back ? gd - back : 0;
                if (first > H - len)
                    first = H - len;
            }
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
        sub.time_limit =
            fmin(fmax(1.0, SUB_MIP_SHARE * (deadline - sp_now())), deadline - sp_now());
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
            if (use_dp) { /* the others may now do better around the freed people's lines */
                int got = best_response(r, prep, best, best_value,
                                        fmin(deadline, sp_now() + 0.05 * (deadline - sp_now())),
                                        opts, &rng);
                if (got < 0) {
                    sp_mip_result_clear(&res);
                    sp_rota_model_free(&m);
                    rc = sp_fail(err, got, "out of memory in the search");
                    break;
                }
            }
            post_progress(opts, started, 1, *best_value, bound);
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

/* Column generation's shares of the time left after best response: the master LP with pricing,
 * then the dive and price-and-branch (the master over the generated lines as a MIP). The dive
 * prices to the LP's tail after each step, which pays for its time: Curtois 8 at 60 s 1603 ->
 * 1405, 14 1980 -> 1495, 12 6194 -> 5204 with 0.40, where 0.10 left it one round per step. */
#define COLGEN_LP_SHARE 0.25
#define COLGEN_MIP_SHARE 0.40

/* Column generation (rota_colgen.c) from the incumbent best, the first roster's lines seeding the
 * master too: a valid lower bound into *bound (-HUGE_VAL: none), and the price-and-branch roster
 * replaces best when the exact objective says it is better. Returns SP_OK or an error code. */
static int colgen_stage(const sp_rota *r, const rt_prep *prep, int *best, const int *first,
                        double *value, double *bound, int *converged, int integral, double deadline,
                        const sp_solve_options *opts, sp_error *err)
{
    size_t n = r->n_people * (size_t)r->days;
    int *roster = malloc((n ? n : 1) * sizeof *roster);
    if (!roster)
        return sp_fail(err, SP_ENOMEM, "out of memory for column generation");
    double now = sp_now(), left = deadline - now;
    double lp_deadline = now + COLGEN_LP_SHARE * left;
    const int *seeds[1] = {first};
    rt_colgen_out out;
    int rc = sp_rota_colgen(&out, roster, r, prep, best, seeds, first ? 1 : 0, *value, integral,
                            lp_deadline, lp_deadline + COLGEN_MIP_SHARE * left, opts, err);
    *bound = out.bound;
    *converged = out.converged;
    double v = HUGE_VAL;
    int met = 0;
    if (!rc && out.have_roster && (rc = roster_value(&v, r, prep, roster)) == SP_OK &&
        (met = hard_mins_met(r, roster)) < 0)
        rc = SP_ENOMEM;
    /* a dive the clock cut short left people on their incumbent lines, which fit the others
     * badly: best response mends that (Curtois 12: a dive roster of 15269) */
    if (!rc && met == 1 && v > *value && sp_now() < deadline) {
        unsigned long rng = 0x2545F4914F6CDD1DUL;
        double mended = v;
        int got = best_response(r, prep, roster, &mended, fmin(deadline, sp_now() + 0.05 * left),
                                opts, &rng);
        if (got < 0)
            rc = got;
        else if (opts->log_level >= 2)
            fprintf(stderr, "staffpool: rota colgen roster %.6g after best response\n", mended);
        v = mended;
        if (!rc && (met = hard_mins_met(r, roster)) < 0)
            rc = SP_ENOMEM;
    }
    if (!rc && met == 1 && v < *value - 1e-9) {
        memcpy(best, roster, n * sizeof *best);
        *value = v;
    }
    if (opts->log_level >= 2)
        fprintf(stderr,
                "staffpool: rota colgen: %d rounds, %d lines, LP %.6g, bound %.6g%s in %.2f s; "
                "dive %.6g in %.2f s; price-and-branch %.6g (roster %.6g) in %.2f s\n",
                out.iterations, out.columns, out.lp_value, out.bound,
                out.converged ? " (converged)" : "", out.lp_seconds, out.dive_value,
                out.dive_seconds, out.have_roster ? out.mip_value : NAN, v, out.mip_seconds);
    free(roster);
    return rc < 0 && err->code == SP_OK ? sp_fail(err, rc, "out of memory in column generation")
                                        : rc;
}

/* The search proper; fills result's status, bound and model size, and best (roster) when
 * *have_roster is set. */
static int search(sp_rota_result *result, int *best, int *have_roster, int *integral,
                  const sp_rota *r, const rt_prep *prep, const sp_solve_options *opts,
                  double started, double deadline, sp_error *err)
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
    /* a time limit of 0 leaves no time for anything, not even the first roster */
    int have_start =
        sp_now() >= deadline ? 0 : construct(r, prep, best, &value, deadline, opts, err);
    if (have_start < 0) {
        sp_rota_model_free(&m);
        return have_start;
    }
    unsigned long rng = 0x9E3779B97F4A7C15UL;
    int *first_roster = NULL; /* the first roster's lines seed column generation too */
    if (have_start == 1 && dp_applies(r) && deadline != HUGE_VAL) {
        first_roster = malloc((r->n_people * (size_t)r->days + 1) * sizeof *first_roster);
        if (first_roster)
            memcpy(first_roster, best, r->n_people * (size_t)r->days * sizeof *best);
    }
    if (have_start == 1 && dp_applies(r)) {
        post_progress(opts, started, 1, value, 0.0);
        if (opts->log_level >= 2)
            fprintf(stderr, "staffpool: rota first roster %.6g at %.2f s\n", value,
                    sp_now() - started);
        /* best response gets at most a tenth of what is left; it usually stops well before */
        double until = deadline == HUGE_VAL ? HUGE_VAL : sp_now() + 0.1 * (deadline - sp_now());
        int got = best_response(r, prep, best, &value, until, opts, &rng);
        if (got < 0) {
            sp_rota_model_free(&m);
            return sp_fail(err, got, "out of memory improving the first roster");
        }
        if (opts->log_level >= 2)
            fprintf(stderr, "staffpool: rota first roster %.6g after best response at %.2f s\n",
                    value, sp_now() - started);
    }
    if (have_start == 1)
        post_progress(opts, started, 1, value, 0.0);
    double cg_bound = -HUGE_VAL;
    int cg_converged = 0;
    if (have_start == 1 && dp_applies(r) && deadline != HUGE_VAL &&
        !sp_cancel_is_raised(opts->cancel) && sp_now() < deadline) {
        rc = colgen_stage(r, prep, best, first_roster, &value, &cg_bound, &cg_converged, m.integral,
                          deadline, opts, err);
        if (rc) {
            free(first_roster);
            sp_rota_model_free(&m);
            return rc;
        }
        post_progress(opts, started, 1, value, fmax(0.0, cg_bound));
        if (value <= cg_bound) { /* proved by the column-generation bound: nothing left to do */
            free(first_roster);
            sp_rota_model_free(&m);
            *have_roster = 1;
            result->status = SP_STATUS_OPTIMAL;
            result->stop_reason = SP_STOP_NONE;
            result->bound = cg_bound;
            return SP_OK;
        }
    }
    free(first_roster);
    /* Nor after a cancel or at the deadline: GLPK's set-up of a large model (scaling, the
     * first basis) calls no callback and took 27 s on Curtois instance 24 with no time left. */
    int cancelled = sp_cancel_is_raised(opts->cancel);
    if (cancelled || sp_now() >= deadline) {
        sp_rota_model_free(&m);
        *have_roster = have_start;
        result->status = have_start ? SP_STATUS_FEASIBLE : SP_STATUS_NO_SOLUTION;
        result->stop_reason = cancelled ? SP_STOP_CANCELLED : SP_STOP_TIME_LIMIT;
        result->bound = fmax(0.0, cg_bound); /* every penalty is >= 0 */
        return SP_OK;
    }
    /* With a time limit the whole MIP gets a quarter of what is left after the first roster (it
     * gives the bound and often a better roster), the neighbourhood search the rest. */
    incumbent_hook hook = {.m = &m, .roster = best};
    if (have_start)
        sp_mip_set_repair(m.mip, set_incumbent, &hook);
    sp_solve_options first = *opts;
    first.progress = NULL; /* posted below, with the roster it is started from kept in view */
    if (opts->time_limit > 0)
        first.time_limit = fmax(
            0.0, (result->binaries <= WHOLE_MIP_SMALL ? WHOLE_MIP_SHARE_SMALL : WHOLE_MIP_SHARE) *
                     (deadline - sp_now()));
    /* On larger models the whole MIP only ran for its bound: when column generation converged,
     * its bound is at least the compact LP's (each line keeps the person's rules), so the time
     * goes to the neighbourhood search instead. Not with fairness weights: the master leaves
     * fairness out, and the compact bound counts it (the demo rota: 297 against 230). */
    int skip_whole = cg_converged && !weighs_fairness(r) && result->binaries > WHOLE_MIP_SMALL &&
                     opts->time_limit > 0;
    sp_mip_result res = {.status = SP_STATUS_NO_SOLUTION, .stop_reason = SP_STOP_TIME_LIMIT};
    if (skip_whole)
        ; /* straight on to the neighbourhoods, from column generation's roster and bound */
    else if (opts->time_limit <= 0 ||
             first.time_limit >= WHOLE_MIP_SETUP_PER_COLUMN * (double)result->columns)
        rc = sp_mip_solve_lex(&res, m.mip, &first, err);
    else if (opts->log_level >= 2)
        fprintf(stderr,
                "staffpool: rota whole MIP skipped: its %.1f s would not cover its set-up\n",
                first.time_limit);
    if (rc) {
        sp_rota_model_free(&m);
        return rc;
    }
    result->status = res.status;
    result->stop_reason = res.stop_reason;
    result->bound = fmax(res.term_bound[0], cg_bound);
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
    post_progress(opts, started, *have_roster, value, result->bound);
    if (*have_roster && result->status == SP_STATUS_FEASIBLE &&
        !sp_cancel_is_raised(opts->cancel) && deadline != HUGE_VAL) {
        int proved = 0;
        rc = improve(r, prep, best, &value, deadline, opts, started, result->bound, &proved, err);
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
    int bad = sp_take_solve_options(&opts, &defaults, err);
    if (bad)
        return bad;
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
    rc = search(result, best, &have_roster, &integral, r, &prep, opts, start, deadline, err);
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
