/* Rota engine through the C API: a tiny instance with a known optimum, validation naming record
 * and field, and every result array. */
#include "harness.h"
#include "staffpool.h"

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

int main(void)
{
    RUN(test_tiny_optimum);
    RUN(test_validation);
    RUN(test_empty_and_time_zero);
    return harness_report();
}
