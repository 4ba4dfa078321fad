/* Rota engine through the C API: a tiny instance with a known optimum, validation naming record
 * and field, and every result array. */
#include "harness.h"
#include "rota_dp.h" /* internal: the per-person line by dynamic programming */
#include "staffpool.h"

#include <stdlib.h>

static sp_rota *tiny(void)
{
    sp_rota *r = NULL;
    sp_error err;
    CHECK(sp_rota_new(&r, 7, 0, &err) == SP_OK);
    CHECK(sp_rota_add_shift(r, "D", -1, 480, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_add_shift(r, "N", -1, 480, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_forbid_succession(r, "N", "D", &err) == SP_OK);
    sp_rota_person p;
    sp_rota_person_init(&p);
    p.id = "A";
    p.max_consecutive = 7;
    CHECK(sp_rota_add_person(r, &p, &err) == SP_OK);
    CHECK(sp_rota_set_max_shifts(r, "A", "N", 1, &err) == SP_OK);
    CHECK(sp_rota_add_day_off(r, "A", 6, &err) == SP_OK);
    CHECK(sp_rota_add_request(r, "A", 5, "D", 0, 2.0, &err) == SP_OK);
    CHECK(sp_rota_set_cover(r, 0, "N", 1, 100, 1, 0, &err) == SP_OK);
    CHECK(sp_rota_set_cover(r, 1, "D", 1, 100, 1, 0, &err) == SP_OK);
    CHECK(sp_rota_set_cover(r, 3, "N", 1, 100, 1, 0, &err) == SP_OK);
    CHECK(sp_rota_set_cover(r, 5, "D", 1, 1, 1, 0, &err) == SP_OK);
    return r;
}

static void test_tiny_optimum(void)
{
    sp_rota *r = tiny();
    sp_rota_result *res = NULL;
    sp_error err;
    CHECK(sp_rota_solve(&res, r, NULL, &err) == SP_OK);
    CHECK(sp_rota_result_status(res) == SP_STATUS_OPTIMAL);
    /* N day 0 blocks D day 1 and uses the one N: miss N day 0 (100); day 5 D: 1 under vs 2 off */
    CHECK_NEAR(sp_rota_result_objective(res), 101, 1e-9);
    CHECK_NEAR(sp_rota_result_penalty(res, SP_RPEN_COVER_UNDER), 101, 1e-9);
    CHECK_NEAR(sp_rota_result_bound(res), 101, 1e-9);
    size_t n = 0;
    const sp_rota_assignment *a = sp_rota_result_assignments(res, &n);
    CHECK(n == 2);
    if (n == 2) {
        CHECK(a[0].day == 1 && !strcmp(a[0].shift_id, "D") && !strcmp(a[0].person_id, "A"));
        CHECK(a[1].day == 3 && !strcmp(a[1].shift_id, "N"));
    }
    const sp_rota_cover_result *c = sp_rota_result_cover(res, &n);
    CHECK(n == 14);
    if (n != 14)
        return;
    CHECK(c[0].day == 0 && !strcmp(c[0].shift_id, "D"));
    CHECK(c[1].requirement == 1 && c[1].assigned == 0 && c[1].under_penalty == 100);
    const sp_rota_person_result *p = sp_rota_result_people(res, &n);
    CHECK(n == 1 && p[0].shifts == 2 && p[0].minutes == 960 && p[0].shift_off_penalty == 0);
    sp_rota_result_free(res);
    sp_rota_free(r);
}

static void test_validation(void)
{
    sp_rota *r = tiny();
    sp_error err;
    CHECK(sp_rota_add_request(r, "Z", 0, "D", 1, 1, &err) == SP_EINVAL);
    CHECK_STR(err.field, "person");
    CHECK(sp_rota_set_cover(r, 0, "N", 1, 100, 1, 0, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "given twice");
    CHECK(sp_rota_set_cover(r, 2, "N", 1, -1, 1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "under_weight");
    CHECK_STR(err.record, "cover 'day 2'");
    CHECK(sp_rota_add_shift(r, "L", -1, 480, NULL, NULL, &err) == SP_EINVAL);
    sp_rota_person p;
    sp_rota_person_init(&p);
    p.id = "B";
    p.min_consecutive = 3;
    p.max_consecutive = 2;
    CHECK(sp_rota_add_person(r, &p, &err) == SP_EINVAL);
    CHECK_STR(err.record, "person 'B'");
    CHECK_STR(err.field, "max_consecutive");
    sp_rota_free(r);
    sp_rota_free(NULL);
    sp_rota_result_free(NULL);
}

static void test_empty_and_time_zero(void)
{
    sp_rota *r = NULL;
    sp_error err;
    CHECK(sp_rota_new(&r, 14, 3, &err) == SP_OK);
    sp_rota_result *res = NULL;
    CHECK(sp_rota_solve(&res, r, NULL, &err) == SP_OK);
    CHECK(sp_rota_result_status(res) == SP_STATUS_OPTIMAL);
    CHECK_NEAR(sp_rota_result_objective(res), 0, 1e-12);
    sp_rota_result_free(res);
    sp_rota_free(r);
    r = tiny();
    sp_solve_options o;
    sp_solve_options_init(&o);
    o.time_limit = 0;
    CHECK(sp_rota_solve(&res, r, &o, &err) == SP_OK);
    CHECK(sp_rota_result_status(res) == SP_STATUS_NO_SOLUTION);
    size_t n = 1;
    sp_rota_result_assignments(res, &n);
    CHECK(n == 0);
    sp_rota_result_free(res);
    sp_rota_free(r);
}

/* Two sites, one shift type D serving both (skill icu); A at S1 without icu, B at S2 with it;
 * S1-S2 45 minutes. Cover 1 at S2 on days 0..2 (under 100). Published: A on day 0 at S2 (A
 * cannot work it: removed, change 7) and B on day 1 at S2 (kept); B pinned on day 2. B works
 * days 0..2 at S2 (no travel from S2), so the optimum is 7. Day 3 at S1 wants 1 (under 10): B
 * could go (45 minutes x travel 1 = 45 > 10): left unmet, a trade-off. */
static sp_rota *two_sites(void)
{
    sp_rota *r = NULL;
    sp_error err;
    CHECK(sp_rota_new(&r, 4, 0, &err) == SP_OK);
    CHECK(sp_rota_add_partner(r, "P", &err) == SP_OK);
    CHECK(sp_rota_add_site(r, "S1", "P", &err) == SP_OK);
    CHECK(sp_rota_add_located_site(r, "S2", "P", 51.5, -0.1, &err) == SP_OK);
    CHECK(sp_rota_set_travel_minutes(r, "S1", "S2", 45, &err) == SP_OK);
    CHECK(sp_rota_add_skill(r, "icu", &err) == SP_OK);
    CHECK(sp_rota_add_shift(r, "D", 480, 480, "S1", "icu", &err) == SP_OK);
    CHECK(sp_rota_add_shift_site(r, "D", "S2", &err) == SP_OK);
    CHECK(sp_rota_set_shift_categories(r, "D", 0, 1, &err) == SP_OK);
    CHECK(sp_rota_set_shift_categories(r, "D", 2, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "night");
    sp_rota_weights w;
    sp_rota_weights_init(&w);
    w.travel_per_minute = 1;
    w.change = 7;
    CHECK(sp_rota_set_weights(r, &w, &err) == SP_OK);
    sp_rota_person p;
    sp_rota_person_init(&p);
    p.id = "A";
    p.site_id = "S1";
    p.contract_id = "FT";
    CHECK(sp_rota_add_person(r, &p, &err) == SP_OK);
    p.id = "B";
    p.site_id = "S2";
    CHECK(sp_rota_add_person(r, &p, &err) == SP_OK);
    CHECK(sp_rota_add_person_skill(r, "B", "icu", &err) == SP_OK);
    for (int d = 0; d < 3; d++)
        CHECK(sp_rota_set_post_cover(r, d, "D", "S2", NULL, 1, 100, 1, 0, &err) == SP_OK);
    CHECK(sp_rota_set_post_cover(r, 3, "D", "S1", "icu", 1, 10, 1, 0, &err) == SP_OK);
    CHECK(sp_rota_publish(r, "A", 0, "D", "S2", NULL, &err) == SP_OK);
    CHECK(sp_rota_publish(r, "B", 1, "D", "S2", NULL, &err) == SP_OK);
    CHECK(sp_rota_pin(r, "B", 2, "D", "S2", "icu", &err) == SP_OK);
    return r;
}

static void test_posts_pins_changes_and_reasons(void)
{
    sp_rota *r = two_sites();
    sp_rota_result *res = NULL;
    sp_error err;
    CHECK(sp_rota_solve(&res, r, NULL, &err) == SP_OK);
    CHECK(sp_rota_result_status(res) == SP_STATUS_OPTIMAL);
    CHECK_NEAR(sp_rota_result_objective(res), 17, 1e-9); /* change 7 + day 3 at S1 unmet 10 */
    CHECK_NEAR(sp_rota_result_penalty(res, SP_RPEN_CHANGES), 7, 1e-9);
    CHECK_NEAR(sp_rota_result_penalty(res, SP_RPEN_TRAVEL), 0, 1e-9);
    size_t n = 0;
    const sp_rota_assignment *a = sp_rota_result_assignments(res, &n);
    CHECK(n == 3);
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(a[i].person_id, "B");
        CHECK_STR(a[i].site_id, "S2");
        CHECK_STR(a[i].skill_id, "icu");
        CHECK(a[i].pinned == (a[i].day == 2));
        CHECK(a[i].published == (a[i].day == 1));
    }
    const sp_rota_change *c = sp_rota_result_changes(res, &n);
    CHECK(n == 3); /* A day 0 removed; B days 0 and 2 (the pin) added */
    if (n == 3) {
        CHECK_STR(c[0].person_id, "A");
        CHECK(c[0].day == 0 && c[0].after_shift_id == NULL);
        CHECK_STR(c[0].before_site_id, "S2");
        CHECK_STR(c[1].person_id, "B");
        CHECK(c[1].before_shift_id == NULL);
        CHECK_STR(c[1].after_site_id, "S2");
        CHECK(c[2].day == 2 && c[2].before_shift_id == NULL);
    }
    const sp_rota_cover_result *cv = sp_rota_result_cover(res, &n);
    CHECK(n == 8); /* 4 days x 2 posts */
    for (size_t i = 0; i < n; i++) {
        if (cv[i].assigned >= cv[i].requirement) {
            CHECK(cv[i].reason == NULL && cv[i].reason_code == SP_RGAP_NONE);
            continue;
        }
        CHECK(cv[i].day == 3);
        CHECK_STR(cv[i].site_id, "S1");
        CHECK(cv[i].reason_code == SP_RGAP_TRADE_OFF);
        CHECK_HAS(cv[i].reason, "left unmet: cheaper");
    }
    const sp_rota_person_result *p = sp_rota_result_people(res, &n);
    CHECK(n == 2 && p[0].changes == 1 && p[1].changes == 0 && p[1].unpopular == 3);
    sp_rota_result_free(res);
    sp_rota_free(r);
}

static void test_multi_post_validation(void)
{
    sp_rota *r = two_sites();
    sp_error err;
    CHECK(sp_rota_set_post_cover(r, 0, "D", NULL, NULL, 1, 1, 1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "site"); /* D serves two sites */
    CHECK(sp_rota_pin(r, "B", 2, "D", "S1", NULL, &err) == SP_EINVAL);
    CHECK_STR(err.record, "pin 'B'");
    CHECK_STR(err.field, "day"); /* a second pin that day */
    CHECK(sp_rota_publish(r, "B", 1, "D", "S9", NULL, &err) == SP_EINVAL);
    CHECK_STR(err.field, "site");
    CHECK(sp_rota_add_shift_site(r, "D", "S1", &err) == SP_EINVAL); /* shift list frozen */
    CHECK(sp_rota_set_shift_categories(r, "X", 1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.record, "shift 'X'");
    CHECK(sp_rota_set_freeze_days(r, 5, &err) == SP_EINVAL);
    CHECK_STR(err.field, "freeze_days");
    CHECK(sp_rota_set_site_location(r, "S1", 10, 200, &err) == SP_EINVAL);
    CHECK_STR(err.field, "longitude");
    CHECK(sp_rota_add_located_site(r, "S3", "P", NAN, 0, &err) == SP_EINVAL);
    CHECK_STR(err.record, "site 'S3'");
    CHECK(sp_rota_add_site(r, "S3", "P", &err) == SP_OK); /* nothing was added before */
    sp_rota_weights w;
    sp_rota_weights_init(&w);
    w.change = -1;
    CHECK(sp_rota_set_weights(r, &w, &err) == SP_EINVAL);
    CHECK_STR(err.field, "change");
    sp_rota_person p;
    sp_rota_person_init(&p);
    p.id = "C";
    p.max_travel_minutes = NAN;
    CHECK(sp_rota_add_person(r, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "max_travel_minutes");
    /* a pin on a day off fails at solve, naming the pin */
    CHECK(sp_rota_add_day_off(r, "B", 2, &err) == SP_OK);
    sp_rota_result *res = NULL;
    CHECK(sp_rota_solve(&res, r, NULL, &err) == SP_EINVAL && res == NULL);
    CHECK_STR(err.record, "pin 'B'");
    CHECK_HAS(err.message, "off");
    sp_rota_free(r);
}

/* Fairness and the freeze window through the C API (the code paths the Python tests check in
 * detail), for the sanitizer and valgrind runs: two people on one contract share 4 nights 2-2
 * (A asks for all four, weight 1; fairness 1 per unit of range: 2-2 costs 2, 3-1 costs 3, 4-0
 * costs 4); weekends counted exactly. Freeze 1 day: B's published night on day 0 stays although
 * A would rather have it. */
static void test_fairness_and_freeze(void)
{
    sp_rota *r = NULL;
    sp_error err;
    CHECK(sp_rota_new(&r, 7, 3, &err) == SP_OK); /* day 0 a Thursday: weekend days 2, 3 */
    CHECK(sp_rota_add_shift(r, "N", 1260, 600, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_set_shift_categories(r, "N", 1, 0, &err) == SP_OK);
    sp_rota_weights w;
    sp_rota_weights_init(&w);
    w.fairness_nights = 1;
    w.fairness_weekends = 1;
    w.change = 50;
    CHECK(sp_rota_set_weights(r, &w, &err) == SP_OK);
    sp_rota_person p;
    sp_rota_person_init(&p);
    p.contract_id = "FT";
    p.id = "A";
    CHECK(sp_rota_add_person(r, &p, &err) == SP_OK);
    p.id = "B";
    CHECK(sp_rota_add_person(r, &p, &err) == SP_OK);
    for (int d = 0; d < 4; d++) {
        CHECK(sp_rota_set_cover(r, d, "N", 1, 100, 100, 0, &err) == SP_OK);
        CHECK(sp_rota_add_request(r, "A", d, "N", 1, 1, &err) == SP_OK);
    }
    CHECK(sp_rota_publish(r, "B", 0, "N", NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_set_freeze_days(r, 1, &err) == SP_OK);
    sp_rota_result *res = NULL;
    CHECK(sp_rota_solve(&res, r, NULL, &err) == SP_OK);
    CHECK(sp_rota_result_status(res) == SP_STATUS_OPTIMAL);
    /* B keeps day 0 (frozen). Nights 2-2: A takes two of days 1..3 and loses the requests of
     * day 0 and one more (2). A taking both weekend days (2, 3) would leave weekends 1-0 (+1):
     * so A works day 1 and one weekend day, B the other weekend day. Optimum 2. */
    size_t n = 0;
    const sp_rota_person_result *pr = sp_rota_result_people(res, &n);
    CHECK(n == 2 && pr[0].nights == 2 && pr[1].nights == 2);
    CHECK(pr[0].weekends == 1 && pr[1].weekends == 1);
    CHECK_NEAR(sp_rota_result_objective(res), 2, 1e-9);
    CHECK_NEAR(sp_rota_result_penalty(res, SP_RPEN_FAIRNESS), 0, 1e-9);
    const sp_rota_assignment *a = sp_rota_result_assignments(res, &n);
    int b_day0 = 0;
    for (size_t i = 0; i < n; i++)
        b_day0 |= a[i].day == 0 && !strcmp(a[i].person_id, "B") && a[i].published;
    CHECK(b_day0);
    sp_rota_result_free(res);
    sp_rota_free(r);
}

/* The line by dynamic programming against brute force over every line of one person with random
 * rules and random per (day, post) costs: it finds a line exactly when one exists, the line
 * breaks no rule (sp_rota_line_breaks, an independent count of runs), it is never cheaper than
 * the brute-force optimum, and without a minute window (no multiplier at work) it is optimal.
 * alike_types: four shift types, two of them alike in every way the states see (one move), and
 * three sharing their forbidden successors (one "worked last" class), over 6 days (5^6 lines);
 * else two types over 7 days (3^7 lines). */
static void dp_line_against_brute_force(int alike_types)
{
    unsigned long seed = 12345 + (unsigned long)alike_types;
    int exists = 0, windowed = 0, H = alike_types ? 6 : 7, T = alike_types ? 4 : 2;
    int n_lines = 1;
    for (int d = 0; d < H; d++)
        n_lines *= T + 1;
    for (int trial = 0; trial < 200; trial++) {
#define RND(n) ((int)((seed = seed * 6364136223846793005UL + 1442695040888963407UL) >> 33) % (n))
        sp_rota *r = NULL;
        sp_error err;
        CHECK(sp_rota_new(&r, H, RND(7), &err) == SP_OK);
        CHECK(sp_rota_add_shift(r, "D", -1, 480, NULL, NULL, &err) == SP_OK);
        CHECK(sp_rota_add_shift(r, "N", -1, 600, NULL, NULL, &err) == SP_OK);
        if (alike_types) {
            CHECK(sp_rota_add_shift(r, "D2", -1, 480, NULL, NULL, &err) == SP_OK);
            CHECK(sp_rota_add_shift(r, "E", -1, 600, NULL, NULL, &err) == SP_OK);
            CHECK(sp_rota_forbid_succession(r, "N", "D2", &err) == SP_OK);
            if (RND(2))
                CHECK(sp_rota_forbid_succession(r, "E", "N", &err) == SP_OK);
        }
        if (alike_types || RND(2))
            CHECK(sp_rota_forbid_succession(r, "N", "D", &err) == SP_OK);
        sp_rota_person pe;
        sp_rota_person_init(&pe);
        pe.id = "A";
        pe.min_consecutive = 1 + RND(3);
        pe.max_consecutive = pe.min_consecutive + RND(3);
        pe.min_days_off = 1 + RND(2);
        int window = RND(2);
        if (window) {
            pe.min_minutes = 480 * RND(5);
            pe.max_minutes = pe.min_minutes + 120 * RND(8);
        }
        CHECK(sp_rota_add_person(r, &pe, &err) == SP_OK);
        if (RND(3) == 0)
            CHECK(sp_rota_add_day_off(r, "A", RND(H), &err) == SP_OK);
        CHECK(sp_rota_set_cover(r, 0, "D", 1, 1, 1, 0, &err) == SP_OK); /* freezes the shifts */
        rt_prep prep;
        CHECK(sp_rota_prep(&prep, r, &err) == SP_OK);
        size_t K = r->n_posts;
        double cost[7 * 4];
        unsigned char off_ok[7];
        for (int d = 0; d < H; d++) {
            off_ok[d] = 1;
            for (size_t k = 0; k < K; k++)
                cost[d * K + k] = r->people[0].day_off[d] ? HUGE_VAL : (double)(RND(11) - 5);
        }
        double brute = HUGE_VAL;
        int line[7];
        for (int code = 0; code < n_lines; code++) {
            int c = code;
            for (int d = 0; d < H; d++, c /= T + 1)
                line[d] = c % (T + 1) - 1;
            if (!sp_rota_line_breaks(r, &prep, 0, line)) {
                double v = sp_rota_dp_value(r, cost, line);
                brute = v < brute ? v : brute;
            }
        }
        int got = sp_rota_dp_line(r, &prep, 0, cost, off_ok, line);
        CHECK(got == (brute < HUGE_VAL));
        if (got == 1) {
            exists++;
            windowed += window;
            CHECK(sp_rota_line_breaks(r, &prep, 0, line) == 0);
            double v = sp_rota_dp_value(r, cost, line);
            CHECK(v >= brute - 1e-9);
            if (!window)
                CHECK_NEAR(v, brute, 1e-9);
        }
        sp_rota_prep_free(&prep);
        sp_rota_free(r);
#undef RND
    }
    CHECK(exists > 100 && windowed > 30); /* the random cases exercise both kinds */
}

static void test_dp_line_against_brute_force(void)
{
    dp_line_against_brute_force(0);
}

static void test_dp_line_with_alike_types_against_brute_force(void)
{
    dp_line_against_brute_force(1);
}

/* A time-limited search on a random 10-person, 21-day rota with a hard minimum: the first roster
 * by dynamic programming, best response, the neighbourhoods and the kicks all run (under the
 * sanitizers in `make sanitize`); every person's line keeps every rule (sp_rota_line_breaks), the
 * hard minimums hold and the objective is the sum of its parts. */
static void test_time_limited_search_keeps_every_rule(void)
{
    unsigned long seed = 777;
#define RND(n) ((int)((seed = seed * 6364136223846793005UL + 1442695040888963407UL) >> 33) % (n))
    sp_rota *r = NULL;
    sp_error err;
    const char *shifts[3] = {"E", "L", "N"};
    CHECK(sp_rota_new(&r, 21, 0, &err) == SP_OK);
    for (int t = 0; t < 3; t++)
        CHECK(sp_rota_add_shift(r, shifts[t], -1, t == 2 ? 600 : 480, NULL, NULL, &err) == SP_OK);
    CHECK(sp_rota_forbid_succession(r, "N", "E", &err) == SP_OK);
    CHECK(sp_rota_forbid_succession(r, "L", "E", &err) == SP_OK);
    char ids[10][4];
    for (int p = 0; p < 10; p++) {
        snprintf(ids[p], sizeof ids[p], "P%d", p);
        sp_rota_person pe;
        sp_rota_person_init(&pe);
        pe.id = ids[p];
        pe.min_minutes = 480 * 8;
        pe.max_minutes = 480 * 14;
        pe.min_consecutive = 2;
        pe.max_consecutive = 5;
        pe.min_days_off = 2;
        pe.max_weekends = 2;
        CHECK(sp_rota_add_person(r, &pe, &err) == SP_OK);
        CHECK(sp_rota_add_day_off(r, ids[p], RND(21), &err) == SP_OK);
        CHECK(sp_rota_set_max_shifts(r, ids[p], "N", 4, &err) == SP_OK);
        int day = RND(21), type = RND(3), on = RND(2), weight = 1 + RND(3);
        CHECK(sp_rota_add_request(r, ids[p], day, shifts[type], on, weight, &err) == SP_OK);
    }
    for (int d = 0; d < 21; d++)
        for (int t = 0; t < 3; t++)
            CHECK(sp_rota_set_cover(r, d, shifts[t], 1 + RND(3), 100, 1, d == 3 && t == 0, &err) ==
                  SP_OK);
#undef RND
    sp_solve_options o;
    sp_solve_options_init(&o);
    o.time_limit = 3;
    sp_rota_result *res = NULL;
    CHECK(sp_rota_solve(&res, r, &o, &err) == SP_OK);
    int status = sp_rota_result_status(res);
    CHECK(status == SP_STATUS_OPTIMAL || status == SP_STATUS_FEASIBLE);
    double parts = 0.0;
    for (int i = 0; i < SP_RPEN_COUNT; i++)
        parts += sp_rota_result_penalty(res, i);
    CHECK_NEAR(sp_rota_result_objective(res), parts, 1e-6);
    CHECK(sp_rota_result_bound(res) <= sp_rota_result_objective(res) + 1e-6);
    rt_prep prep;
    CHECK(sp_rota_prep(&prep, r, &err) == SP_OK);
    int line[10][21];
    memset(line, -1, sizeof line);
    size_t n = 0;
    const sp_rota_assignment *a = sp_rota_result_assignments(res, &n);
    int early = 0;
    for (size_t i = 0; i < n; i++) {
        int p = atoi(a[i].person_id + 1), t = a[i].shift_id[0] == 'E'   ? 0
                                              : a[i].shift_id[0] == 'L' ? 1
                                                                        : 2;
        line[p][a[i].day] = r->shifts[t].first_post;
        early += a[i].day == 3 && t == 0;
    }
    CHECK(early >= 1); /* the hard minimum */
    for (size_t p = 0; p < 10; p++)
        CHECK(sp_rota_line_breaks(r, &prep, p, line[p]) == 0);
    sp_rota_prep_free(&prep);
    sp_rota_result_free(res);
    sp_rota_free(r);
}

int main(void)
{
    RUN(test_tiny_optimum);
    RUN(test_validation);
    RUN(test_empty_and_time_zero);
    RUN(test_posts_pins_changes_and_reasons);
    RUN(test_multi_post_validation);
    RUN(test_fairness_and_freeze);
    RUN(test_dp_line_against_brute_force);
    RUN(test_dp_line_with_alike_types_against_brute_force);
    RUN(test_time_limited_search_keeps_every_rule);
    return harness_report();
}
