/* The solver layer's generic features, on small MIPs checked against brute force: binaries fixed
 * through their bounds, a start solution (taken when feasible, refused when not), stopping at the
 * first plan, columns held until a later stage, a term's unit (the scale its gap is measured
 * against) and fix-and-optimise windows. */
#include "harness.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>

#define ITEMS 10

static const double weight[ITEMS] = {12, 7, 11, 8, 9, 6, 14, 5, 10, 4};
static const double value[ITEMS] = {24, 13, 23, 15, 16, 11, 30, 8, 19, 6};
static const double capacity = 40;

/* max sum value x s.t. sum weight x <= capacity, as "minimise -value"; item `fixed` (if >= 0)
 * pinned at `fixed_at`. */
static sp_mip *knapsack(int fixed, double fixed_at)
{
    sp_mip *mip = sp_mip_new(1);
    int row = sp_mip_add_row(mip, SP_ROW_LE, capacity);
    for (int i = 0; i < ITEMS; i++) {
        int col = sp_mip_add_col(mip, 0, 1, 1);
        sp_mip_add_coef(mip, row, col, weight[i]);
        sp_mip_set_obj(mip, 0, col, -value[i]);
    }
    if (fixed >= 0)
        CHECK(sp_mip_set_bounds(mip, fixed, fixed_at, fixed_at) == SP_OK);
    return mip;
}

/* The best objective by enumeration, with item `fixed` pinned as above. */
static double brute_force(int fixed, double fixed_at)
{
    double best = HUGE_VAL;
    for (unsigned set = 0; set < (1u << ITEMS); set++) {
        double w = 0, v = 0;
        int ok = 1;
        for (int i = 0; i < ITEMS; i++) {
            int in = (set >> i) & 1u;
            if (i == fixed && in != (int)fixed_at)
                ok = 0;
            w += in * weight[i];
            v += in * value[i];
        }
        if (ok && w <= capacity && -v < best)
            best = -v;
    }
    return best;
}

static double solve_value(sp_mip *mip, int *status)
{
    sp_mip_result res;
    sp_error err;
    CHECK(sp_mip_solve_lex(&res, mip, NULL, &err) == SP_OK);
    double v = res.term_value[0];
    *status = res.status;
    if (res.x) { /* the plan keeps the row and its binaries */
        double w = 0;
        for (int i = 0; i < ITEMS; i++) {
            CHECK(res.x[i] == 0.0 || res.x[i] == 1.0);
            w += weight[i] * res.x[i];
        }
        CHECK(w <= capacity + 1e-9);
    }
    sp_mip_result_clear(&res);
    return v;
}

static void test_optimum_and_fixed_binaries(void)
{
    int status;
    sp_mip *mip = knapsack(-1, 0);
    CHECK_NEAR(solve_value(mip, &status), brute_force(-1, 0), 1e-6);
    CHECK(status == SP_STATUS_OPTIMAL);
    sp_mip_free(mip);
    for (int item = 0; item < ITEMS; item += 3) {
        for (int at = 0; at <= 1; at++) {
            mip = knapsack(item, at);
            CHECK_NEAR(solve_value(mip, &status), brute_force(item, at), 1e-6);
            CHECK(status == SP_STATUS_OPTIMAL);
            sp_mip_free(mip);
        }
    }
}

static void test_bounds_refused(void)
{
    sp_mip *mip = knapsack(-1, 0);
    CHECK(sp_mip_set_bounds(mip, 0, 0.5, 0.5) == SP_ERANGE); /* a binary is 0 or 1 */
    CHECK(sp_mip_set_bounds(mip, 0, 1, 0) == SP_ERANGE);
    CHECK(sp_mip_set_bounds(mip, ITEMS, 0, 1) == SP_ERANGE);
    CHECK(sp_mip_set_bounds(mip, -1, 0, 1) == SP_ERANGE);
    sp_mip_free(mip);
}

static void test_start_and_stop_at_first(void)
{
    /* A poor but feasible start (items 7 and 9: value 14): with stop-at-first the solve hands it
     * back as it is, "feasible", its gap to the relaxation honest. */
    double start[ITEMS] = {0};
    start[7] = start[9] = 1;
    sp_mip *mip = knapsack(-1, 0);
    CHECK(sp_mip_set_start(mip, start) == SP_OK);
    sp_mip_set_stop_at_first(mip, 1);
    sp_mip_result res;
    sp_error err;
    CHECK(sp_mip_solve_lex(&res, mip, NULL, &err) == SP_OK);
    CHECK(res.status == SP_STATUS_FEASIBLE);
    CHECK_NEAR(res.term_value[0], -14, 1e-9);
    CHECK(res.term_bound[0] <= brute_force(-1, 0) + 1e-6); /* a true bound */
    CHECK(res.stop_reason == SP_STOP_NONE);
    sp_mip_result_clear(&res);
    /* Without stop-at-first the same start only helps: the optimum. */
    sp_mip_set_stop_at_first(mip, 0);
    int status;
    CHECK_NEAR(solve_value(mip, &status), brute_force(-1, 0), 1e-6);
    CHECK(status == SP_STATUS_OPTIMAL);
    sp_mip_free(mip);

    /* An infeasible start (everything in: weight 86 > 40) is refused, not trusted. */
    double all[ITEMS];
    for (int i = 0; i < ITEMS; i++)
        all[i] = 1;
    mip = knapsack(-1, 0);
    sp_mip_set_start(mip, all);
    sp_mip_set_stop_at_first(mip, 1);
    CHECK(sp_mip_solve_lex(&res, mip, NULL, &err) == SP_OK);
    CHECK(res.x != NULL);
    CHECK(res.term_value[0] > -86 + 1e-9); /* not the start's value */
    CHECK(res.term_value[0] >= brute_force(-1, 0) - 1e-6);
    sp_mip_result_clear(&res);
    sp_mip_free(mip);

    /* A start that breaks a pinned binary is refused too. */
    mip = knapsack(6, 0);
    double with6[ITEMS] = {0};
    with6[6] = 1; /* weight 14, feasible for the row, but item 6 is fixed at 0 */
    sp_mip_set_start(mip, with6);
    CHECK_NEAR(solve_value(mip, &status), brute_force(6, 0), 1e-6);
    sp_mip_free(mip);
}

/* Two terms: first minimise t0 = -x (continuous, x <= 3 + 2 b with binary b of cost 1 in the
 * second term), so b must be 1 in stage 1; a column held until stage 2 stays at 0 in stage 1. */
static void test_held_until_stage(void)
{
    sp_mip *mip = sp_mip_new(2);
    int x = sp_mip_add_col(mip, 0, 10, 0);
    int b = sp_mip_add_col(mip, 0, 1, 1);
    int extra = sp_mip_add_col(mip, 0, 4, 0); /* lowers term 2 only */
    int row = sp_mip_add_row(mip, SP_ROW_LE, 3);
    sp_mip_add_coef(mip, row, x, 1);
    sp_mip_add_coef(mip, row, b, -2);
    int row2 = sp_mip_add_row(mip, SP_ROW_LE, 4); /* extra + b <= 4: harmless */
    sp_mip_add_coef(mip, row2, extra, 1);
    sp_mip_add_coef(mip, row2, b, 1);
    sp_mip_set_obj(mip, 0, x, -1);
    sp_mip_set_obj(mip, 1, b, 1);
    sp_mip_set_obj(mip, 1, extra, -1);
    sp_mip_set_first_term(mip, extra, 1);
    sp_mip_result res;
    sp_error err;
    CHECK(sp_mip_solve_lex(&res, mip, NULL, &err) == SP_OK);
    CHECK(res.status == SP_STATUS_OPTIMAL);
    CHECK_NEAR(res.term_value[0], -5, 1e-6);
    CHECK_NEAR(res.x[b], 1, 1e-9);
    CHECK_NEAR(res.term_value[1], 1 - 3, 1e-6); /* b = 1 kept, extra up to 3 */
    sp_mip_result_clear(&res);
    sp_mip_free(mip);
}

/* min 0.01 b s.t. 2 b >= 1, b binary: relaxation 0.005, optimum 0.01. At a relative gap of 10%
 * the plan (0.01) is 50% above the relaxation, so the stage branches and proves 0.01. With a unit
 * of 1 the tolerance is 0.1 * max(0.01, 1) = 0.1: the plan is within it of the relaxation, the
 * stage counts as solved without branching, and the bound reported stays the relaxation's. */
static void test_term_unit(void)
{
    for (int with_unit = 0; with_unit <= 1; with_unit++) {
        sp_mip *mip = sp_mip_new(1);
        int b = sp_mip_add_col(mip, 0, 1, 1);
        int row = sp_mip_add_row(mip, SP_ROW_GE, 1);
        sp_mip_add_coef(mip, row, b, 2);
        sp_mip_set_obj(mip, 0, b, 0.01);
        if (with_unit)
            sp_mip_set_term_unit(mip, 0, 1.0);
        sp_solve_options opts;
        sp_solve_options_init(&opts);
        opts.rel_gap = 0.1;
        sp_mip_result res;
        sp_error err;
        CHECK(sp_mip_solve_lex(&res, mip, &opts, &err) == SP_OK);
        CHECK(res.status == SP_STATUS_OPTIMAL);
        CHECK_NEAR(res.term_value[0], 0.01, 1e-12);
        CHECK_NEAR(res.term_bound[0], with_unit ? 0.005 : 0.01, 1e-9);
        sp_mip_result_clear(&res);
        sp_mip_free(mip);
    }
}

/* A subset-sum knapsack (value = weight, weights even, capacity odd): no plan fills it, and
 * branching cannot prove that from the relaxation, which always does. */
#define BIG 150
static double big_weight(int i) { return 2 * (500 + (i * 7919) % 997); }
static double big_value(int i) { return big_weight(i); }

/* Windows of `size` consecutive items from round * 3 on (wrapping), counted. */
static int window_calls;
static size_t item_window(void *ctx, const double *x1, int term, unsigned round, size_t size,
                          unsigned char *free_col)
{
    (void)ctx, (void)x1;
    CHECK(term == 0);
    window_calls++;
    for (size_t k = 0; k < size && k < BIG; k++)
        free_col[(round * 3 + k) % BIG] = 1;
    return BIG;
}

/* From an empty start under a time limit: branching gets half the time, then windows from its
 * plan (unless it proved the optimum first). The plan keeps the row and its binaries, is no
 * better than the optimum (dynamic programming over the integer weights) and, proved, equals it. */
static void test_windows(void)
{
    double total = 0;
    for (int i = 0; i < BIG; i++)
        total += big_weight(i);
    int room = 2 * (int)(total / 4) + 1; /* odd */
    sp_mip *mip = sp_mip_new(1);
    int row = sp_mip_add_row(mip, SP_ROW_LE, room);
    for (int i = 0; i < BIG; i++) {
        int col = sp_mip_add_col(mip, 0, 1, 1);
        sp_mip_add_coef(mip, row, col, big_weight(i));
        sp_mip_set_obj(mip, 0, col, -big_value(i));
    }
    double empty[BIG] = {0};
    CHECK(sp_mip_set_start(mip, empty) == SP_OK);
    sp_mip_set_window(mip, item_window);
    double *best = calloc((size_t)room + 1, sizeof *best); /* best[c]: most value in c */
    for (int i = 0; i < BIG; i++)
        for (int c = room; c >= (int)big_weight(i); c--)
            best[c] = fmax(best[c], best[c - (int)big_weight(i)] + big_value(i));
    double optimum = -best[room];
    free(best);
    sp_solve_options opts;
    sp_solve_options_init(&opts);
    opts.time_limit = 1.0;
    sp_mip_result res;
    sp_error err;
    window_calls = 0;
    CHECK(sp_mip_solve_lex(&res, mip, &opts, &err) == SP_OK);
    CHECK(res.x != NULL);
    if (res.x) {
        double w = 0;
        for (int i = 0; i < BIG; i++) {
            CHECK(res.x[i] == 0.0 || res.x[i] == 1.0);
            w += big_weight(i) * res.x[i];
        }
        CHECK(w <= room + 1e-9);
    }
    CHECK(res.term_value[0] >= optimum - 1e-6);
    CHECK(res.term_bound[0] <= optimum + 1e-6); /* a true bound */
    if (res.status == SP_STATUS_OPTIMAL)
        CHECK(res.term_value[0] <= optimum + 1e-6 * fabs(optimum));
    else
        CHECK(window_calls > 1); /* branching stopped unproved: windows searched its plan */
    sp_mip_result_clear(&res);
    sp_mip_free(mip);
}

int main(void)
{
    RUN(test_optimum_and_fixed_binaries);
    RUN(test_bounds_refused);
    RUN(test_start_and_stop_at_first);
    RUN(test_held_until_stage);
    RUN(test_term_unit);
    RUN(test_windows);
    return harness_report();
}
