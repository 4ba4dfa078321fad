/* Column generation for rotas (csrc/rota_colgen.c) and its pricing (rota_price.c over the one line
 * DP of rota_dp.c), against brute
 * force: the pricing line and its Lagrangian lower bound against every line of one person; the
 * column-generation bound against the optimum of tiny rotas found by enumerating every roster
 * with an objective written here (not the engine's), and against the LP of the master holding
 * every feasible line. */
#include "harness.h"
#include "rota_colgen.h"
#include "rota_price.h"

#include <stdlib.h>
#include <string.h>

static unsigned long seed = 4242;
#define RND(n) ((int)((seed = seed * 6364136223846793005UL + 1442695040888963407UL) >> 33) % (n))

/* A rota of `days` days with shift types D (480 min) and N (600), N before D forbidden at
 * random. */
static sp_rota *day_night_rota(int days, int first_weekday)
{
    sp_rota *r = NULL;
    sp_error err;
    CHECK(sp_rota_new(&r, days, first_weekday, &err) == SP_OK);
    CHECK(sp_rota_add_shift(r, "D", -1, 480, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_add_shift(r, "N", -1, 600, NULL, NULL, &err) == SP_OK);
    if (RND(2))
        CHECK(sp_rota_forbid_succession(r, "N", "D", &err) == SP_OK);
    return r;
}

/* One person, 7 days, two shift types, random rules including a worked-weekend limit and a limit
 * on one shift type; random costs. The pricing DP (exact = 1) finds a line exactly when one exists,
 * keeps every rule, and with one type limit (counted in its state) is the cheapest; its lower
 * bound is never above the cheapest line, in either mode. */
static void test_pricing_line_and_bound(void)
{
    int exists = 0, limited = 0;
    for (int trial = 0; trial < 300; trial++) {
        sp_error err;
        sp_rota *r = day_night_rota(7, RND(7));
        sp_rota_person pe;
        sp_rota_person_init(&pe);
        pe.id = "A";
        pe.min_consecutive = 1 + RND(2);
        pe.max_consecutive = pe.min_consecutive + RND(3);
        pe.min_days_off = 1 + RND(2);
        pe.max_weekends = RND(3) - 1;
        if (RND(2)) {
            pe.min_minutes = 480 * RND(4);
            pe.max_minutes = pe.min_minutes + 120 * RND(10);
        }
        CHECK(sp_rota_add_person(r, &pe, &err) == SP_OK);
        int limit = RND(2);
        if (limit) {
            const char *type = RND(2) ? "N" : "D";
            int max = 1 + RND(3);
            CHECK(sp_rota_set_max_shifts(r, "A", type, max, &err) == SP_OK);
        }
        if (RND(3) == 0)
            CHECK(sp_rota_add_day_off(r, "A", RND(7), &err) == SP_OK);
        CHECK(sp_rota_set_cover(r, 0, "D", 1, 1, 1, 0, &err) == SP_OK);
        rt_prep prep;
        CHECK(sp_rota_prep(&prep, r, &err) == SP_OK);
        size_t K = r->n_posts;
        double cost[7 * 2];
        unsigned char off_ok[7];
        for (int d = 0; d < 7; d++) {
            off_ok[d] = 1;
            for (size_t k = 0; k < K; k++)
                cost[d * K + k] = r->people[0].day_off[d] ? HUGE_VAL : (double)(RND(21) - 12);
        }
        double brute = HUGE_VAL;
        int line[7];
        for (int code = 0; code < 3 * 3 * 3 * 3 * 3 * 3 * 3; code++) {
            int c = code;
            for (int d = 0; d < 7; d++, c /= 3)
                line[d] = c % 3 - 1;
            if (!sp_rota_line_breaks(r, &prep, 0, line)) {
                double v = sp_rota_dp_value(r, cost, line);
                brute = v < brute ? v : brute;
            }
        }
        for (int exact = 0; exact <= 1; exact++) {
            double lower = 0.0;
            int got = sp_rota_price_line(r, &prep, 0, cost, off_ok, line, &lower, exact);
            CHECK(lower <= brute + 1e-9);
            if (!exact)
                continue;
            CHECK(got == (brute < HUGE_VAL));
            if (got == 1) {
                exists++;
                limited += limit;
                CHECK(sp_rota_line_breaks(r, &prep, 0, line) == 0);
                CHECK_NEAR(sp_rota_dp_value(r, cost, line), brute, 1e-6);
                CHECK(lower >= brute - 1e-5); /* every rule exact in the state: a tight bound */
            }
        }
        sp_rota_prep_free(&prep);
        sp_rota_free(r);
    }
    CHECK(exists > 150 && limited > 50);
}

/* One person, 10 days from a Saturday (two weekends), shift types D (480 min) and N (600), a
 * worked-weekend limit of 1, a limit on N, a minute window, random runs and successions, and costs
 * that draw work. Brute force over all 3^10 lines, with each of those three rules also dropped in
 * turn: the trials where all three bind at once (each dropped alone gives a cheaper line) are
 * counted. The pricing line (exact mode: all three held in the state) is the cheapest one that
 * keeps every rule, with a tight bound; with a second type limit (priced by a multiplier) and in
 * the construction's mode, the line keeps every rule and the bound is never above the cheapest. */
static void test_pricing_all_counters_bind(void)
{
    enum { DAYS = 10, LINES = 59049 };
    const unsigned dropped[3] = {RT_RULE_MAX_WEEKENDS, RT_RULE_MAX_SHIFTS,
                                 RT_RULE_MIN_MINUTES | RT_RULE_MAX_MINUTES};
    int all_bind = 0, found_exact = 0;
    for (int trial = 0; trial < 120; trial++) {
        sp_error err;
        sp_rota *r = day_night_rota(DAYS, 5);
        sp_rota_person pe;
        sp_rota_person_init(&pe);
        pe.id = "A";
        pe.min_consecutive = 1 + RND(2);
        pe.max_consecutive = 3 + RND(3);
        pe.min_days_off = 1 + RND(2);
        pe.max_weekends = 1;
        pe.max_minutes = 2400 + 120 * RND(9);
        pe.min_minutes = pe.max_minutes - 480 - 120 * RND(6);
        CHECK(sp_rota_add_person(r, &pe, &err) == SP_OK);
        CHECK(sp_rota_set_max_shifts(r, "A", "N", 1 + RND(2), &err) == SP_OK);
        int two_limits = RND(3) == 0;
        if (two_limits)
            CHECK(sp_rota_set_max_shifts(r, "A", "D", 3 + RND(3), &err) == SP_OK);
        rt_prep prep;
        CHECK(sp_rota_prep(&prep, r, &err) == SP_OK);
        double cost[DAYS * 2];
        unsigned char off_ok[DAYS];
        for (int d = 0; d < DAYS; d++) {
            off_ok[d] = 1;
            for (int k = 0; k < 2; k++) /* N dearer to draw, weekends most of all */
                cost[d * 2 + k] = (double)(RND(12) - 14 - 6 * k - 8 * (d == 0 || d == 7));
        }
        double brute = HUGE_VAL, relaxed[3] = {HUGE_VAL, HUGE_VAL, HUGE_VAL};
        int line[DAYS];
        for (int code = 0; code < LINES; code++) {
            int c = code;
            for (int d = 0; d < DAYS; d++, c /= 3)
                line[d] = c % 3 - 1;
            unsigned broken = sp_rota_line_breaks(r, &prep, 0, line);
            double v = sp_rota_dp_value(r, cost, line);
            if (!broken && v < brute)
                brute = v;
            for (int i = 0; i < 3; i++)
                if (!(broken & ~dropped[i]) && v < relaxed[i])
                    relaxed[i] = v;
        }
        int binds = brute < HUGE_VAL;
        for (int i = 0; i < 3; i++)
            binds = binds && relaxed[i] < brute - 0.5;
        all_bind += binds && !two_limits;
        for (int exact = 0; exact <= 1; exact++) {
            double lower = 0.0;
            int got = sp_rota_price_line(r, &prep, 0, cost, off_ok, line, &lower, exact);
            CHECK(got >= 0);
            CHECK(lower <= brute + 1e-9);
            if (got == 1) {
                CHECK(sp_rota_line_breaks(r, &prep, 0, line) == 0);
                CHECK(sp_rota_dp_value(r, cost, line) >= brute - 1e-9);
            }
            if (exact && !two_limits) { /* every rule held in the state */
                CHECK(got == (brute < HUGE_VAL));
                if (got == 1) {
                    found_exact++;
                    CHECK_NEAR(sp_rota_dp_value(r, cost, line), brute, 1e-6);
                    CHECK(lower >= brute - 1e-5);
                }
            }
        }
        sp_rota_prep_free(&prep);
        sp_rota_free(r);
    }
    CHECK(all_bind >= 10 && found_exact >= 40);
    printf("  all three bind in %d trials, exact lines %d\n", all_bind, found_exact);
}

/* ---- tiny rotas: 3 people, 4 days, shifts D and N, cover and requests ---- */

#define TP 3
#define TH 4

typedef struct tiny {
    sp_rota *r;
    rt_prep prep;
    int req[TH][2], under[TH][2], over[TH][2];
    int n_requests;
    int rq_person[4], rq_day[4], rq_type[4], rq_on[4], rq_weight[4];
} tiny;

static void tiny_make(tiny *t, int hard_minimum)
{
    sp_error err;
    const char *ids[TP] = {"A", "B", "C"}, *types[2] = {"D", "N"};
    memset(t, 0, sizeof *t);
    CHECK(sp_rota_new(&t->r, TH, RND(7), &err) == SP_OK);
    CHECK(sp_rota_add_shift(t->r, "D", -1, 480, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_add_shift(t->r, "N", -1, 600, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_forbid_succession(t->r, "N", "D", &err) == SP_OK);
    for (int p = 0; p < TP; p++) {
        sp_rota_person pe;
        sp_rota_person_init(&pe);
        pe.id = ids[p];
        pe.max_consecutive = 2 + RND(2);
        pe.min_days_off = 1 + RND(2);
        pe.max_weekends = RND(2);
        pe.min_minutes = 480 * RND(2);
        pe.max_minutes = 480 + 600 * (1 + RND(2));
        CHECK(sp_rota_add_person(t->r, &pe, &err) == SP_OK);
        if (RND(2)) {
            int max = RND(2);
            CHECK(sp_rota_set_max_shifts(t->r, ids[p], "N", max, &err) == SP_OK);
        }
        if (RND(2))
            CHECK(sp_rota_add_day_off(t->r, ids[p], RND(TH), &err) == SP_OK);
    }
    int wanted = 1 + RND(4);
    for (int i = 0; i < wanted; i++) {
        int n = t->n_requests;
        t->rq_person[n] = RND(TP);
        t->rq_day[n] = RND(TH);
        t->rq_type[n] = RND(2);
        t->rq_on[n] = RND(2);
        t->rq_weight[n] = 1 + RND(4);
        /* refused on a day off or twice for the same (person, day, shift): then left out */
        if (sp_rota_add_request(t->r, ids[t->rq_person[n]], t->rq_day[n], types[t->rq_type[n]],
                                t->rq_on[n], t->rq_weight[n], &err) == SP_OK)
            t->n_requests++;
    }
    for (int d = 0; d < TH; d++)
        for (int k = 0; k < 2; k++) {
            t->req[d][k] = RND(3);
            t->under[d][k] = 1 + RND(30);
            t->over[d][k] = RND(5);
            int hm = hard_minimum && d == 1 && k == 0 && t->req[d][k] > 0;
            CHECK(sp_rota_set_cover(t->r, d, types[k], t->req[d][k], t->under[d][k], t->over[d][k],
                                    hm, &err) == SP_OK);
        }
    CHECK(sp_rota_prep(&t->prep, t->r, &err) == SP_OK);
}

static void tiny_free(tiny *t)
{
    sp_rota_prep_free(&t->prep);
    sp_rota_free(t->r);
}

/* The objective written from docs/rota.md for these rotas (single-post shifts, no sites, no
 * fairness, nothing published): cover under/over and requests. */
static double tiny_value(const tiny *t, const int *roster)
{
    int n[TH][2] = {{0}};
    double v = 0.0;
    for (int p = 0; p < TP; p++)
        for (int d = 0; d < TH; d++)
            if (roster[p * TH + d] >= 0)
                n[d][roster[p * TH + d]]++;
    for (int d = 0; d < TH; d++)
        for (int k = 0; k < 2; k++)
            v += n[d][k] < t->req[d][k] ? t->under[d][k] * (t->req[d][k] - n[d][k])
                                        : t->over[d][k] * (n[d][k] - t->req[d][k]);
    for (int i = 0; i < t->n_requests; i++) {
        int works = roster[t->rq_person[i] * TH + t->rq_day[i]] == t->rq_type[i];
        v += t->rq_on[i] ? (works ? 0 : t->rq_weight[i]) : (works ? t->rq_weight[i] : 0);
    }
    return v;
}

/* Every feasible line of each person (posts are the shift types here: post k = type k). */
typedef struct all_lines {
    int n[TP];
    int line[TP][81][TH];
} all_lines;

static void enumerate(const tiny *t, all_lines *al)
{
    for (int p = 0; p < TP; p++) {
        al->n[p] = 0;
        for (int code = 0; code < 81; code++) {
            int line[TH], c = code;
            for (int d = 0; d < TH; d++, c /= 3)
                line[d] = c % 3 - 1;
            if (!sp_rota_line_breaks(t->r, &t->prep, (size_t)p, line))
                memcpy(al->line[p][al->n[p]++], line, sizeof line);
        }
    }
}

/* The optimum over every roster whose hard minimum holds; HUGE_VAL when none. */
static double brute_force(const tiny *t, const all_lines *al, int hard_minimum, int *best)
{
    double opt = HUGE_VAL;
    int roster[TP * TH];
    for (int a = 0; a < al->n[0]; a++)
        for (int b = 0; b < al->n[1]; b++)
            for (int c = 0; c < al->n[2]; c++) {
                memcpy(roster, al->line[0][a], sizeof al->line[0][a]);
                memcpy(roster + TH, al->line[1][b], sizeof al->line[1][b]);
                memcpy(roster + 2 * TH, al->line[2][c], sizeof al->line[2][c]);
                if (hard_minimum && t->req[1][0] > 0) {
                    int n = 0;
                    for (int p = 0; p < TP; p++)
                        n += roster[p * TH + 1] == 0;
                    if (n < 1)
                        continue;
                }
                double v = tiny_value(t, roster);
                if (v < opt) {
                    opt = v;
                    memcpy(best, roster, sizeof roster);
                }
            }
    return opt;
}

/* The LP of the master with every feasible line as a column (the set-partitioning LP that
 * column generation converges to when its pricing is exact). */
static double full_master_lp(const tiny *t, const all_lines *al, int hard_minimum)
{
    sp_master *ms = sp_master_new();
    for (int p = 0; p < TP; p++)
        sp_master_add_row(ms, SP_ROW_EQ, 1.0);
    int cell_row[TH][2];
    for (int d = 0; d < TH; d++)
        for (int k = 0; k < 2; k++)
            cell_row[d][k] = sp_master_add_row(ms, SP_ROW_EQ, t->req[d][k]);
    double one = 1.0, minus = -1.0, ones[TH + 1];
    for (int i = 0; i <= TH; i++)
        ones[i] = 1.0;
    for (int d = 0; d < TH; d++)
        for (int k = 0; k < 2; k++) {
            int hm = hard_minimum && d == 1 && k == 0 && t->req[d][k] > 0;
            sp_master_add_col(ms, t->under[d][k], 0.0, t->req[d][k] - hm, 1, &cell_row[d][k], &one);
            sp_master_add_col(ms, t->over[d][k], 0.0, HUGE_VAL, 1, &cell_row[d][k], &minus);
        }
    for (int p = 0; p < TP; p++)
        for (int i = 0; i < al->n[p]; i++) {
            const int *line = al->line[p][i];
            int rows[TH + 1], n = 0;
            rows[n++] = p;
            for (int d = 0; d < TH; d++)
                if (line[d] >= 0)
                    rows[n++] = cell_row[d][line[d]];
            /* own cost: the requests (the cover is in the rows) */
            double cost = 0.0;
            for (int q = 0; q < t->n_requests; q++)
                if (t->rq_person[q] == p) {
                    int works = line[t->rq_day[q]] == t->rq_type[q];
                    cost +=
                        t->rq_on[q] ? (works ? 0 : t->rq_weight[q]) : (works ? t->rq_weight[q] : 0);
                }
            sp_master_add_col(ms, cost, 0.0, 1.0, n, rows, ones);
        }
    sp_error err;
    CHECK(sp_master_solve(ms, 30.0, &err) == SP_OK);
    double v = sp_master_status(ms) == SP_MASTER_OPTIMAL ? sp_master_objective(ms) : HUGE_VAL;
    sp_master_free(ms);
    return v;
}

/* Tiny random rotas: the column-generation bound is never above the brute-force optimum nor
 * above the LP of the master over every line; column generation converges to that LP (the pricing
 * is exact on these); a price-and-branch roster keeps every rule and is valued by the test's own
 * objective at least the optimum. With hard_minimum, the cover of day 1's D is a hard minimum. */
static void run_tiny(int hard_minimum)
{
    int compared = 0, tight = 0;
    for (int trial = 0; trial < 40; trial++) {
        tiny t;
        tiny_make(&t, hard_minimum);
        all_lines *al = malloc(sizeof *al);
        int best[TP * TH], roster[TP * TH];
        enumerate(&t, al);
        double opt = HUGE_VAL;
        int any = al->n[0] && al->n[1] && al->n[2];
        if (any)
            opt = brute_force(&t, al, hard_minimum, best);
        if (opt == HUGE_VAL) {
            free(al);
            tiny_free(&t);
            continue;
        }
        double lp_all = full_master_lp(&t, al, hard_minimum);
        CHECK(lp_all <= opt + 1e-6);
        /* start from the worst line of each person that still meets the hard minimum: the
         * optimum itself would make the search trivial */
        int start[TP * TH];
        memcpy(start, best, sizeof start);
        for (int p = 0; p < TP && !hard_minimum; p++)
            memcpy(start + p * TH, al->line[p][al->n[p] - 1], sizeof al->line[p][0]);
        sp_solve_options opts;
        sp_solve_options_init(&opts);
        rt_colgen_out out;
        sp_error err;
        double now = sp_now();
        CHECK(sp_rota_colgen(&out, roster, t.r, &t.prep, start, NULL, 0, HUGE_VAL, 1, now + 30.0,
                             now + 40.0, &opts, &err) == SP_OK);
        compared++;
        CHECK(out.bound <= opt + 1e-9);
        CHECK(out.bound <= ceil(lp_all - 1e-6) + 1e-9);
        CHECK(out.converged);
        CHECK_NEAR(out.lp_value, lp_all, 1e-6);
        tight += out.bound >= ceil(lp_all - 1e-6) - 1e-9;
        if (out.have_roster) {
            for (int p = 0; p < TP; p++)
                CHECK(sp_rota_line_breaks(t.r, &t.prep, (size_t)p, roster + p * TH) == 0);
            CHECK(tiny_value(&t, roster) >= opt - 1e-9);
            CHECK(tiny_value(&t, roster) <= tiny_value(&t, start) + 1e-9);
            CHECK_NEAR(out.mip_value, tiny_value(&t, roster), 1e-6);
        }
        free(al);
        tiny_free(&t);
    }
    CHECK(compared >= 20);
    CHECK(tight >= compared / 2); /* at the LP's duals the Lagrangian bound is the LP's value */
}

static void test_tiny_bounds(void)
{
    run_tiny(0);
}
static void test_tiny_bounds_hard_minimum(void)
{
    run_tiny(1);
}

int main(void)
{
    RUN(test_pricing_line_and_bound);
    RUN(test_pricing_all_counters_bind);
    RUN(test_tiny_bounds);
    RUN(test_tiny_bounds_hard_minimum);
    return harness_report();
}
