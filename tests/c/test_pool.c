/* Pool building: every bad value is refused with an error naming the record and field, and a
 * refused record leaves the pool as it was. */
#include "harness.h"
#include "internal.h"

#include <stdlib.h>

static sp_pool *base_pool(void)
{
    sp_pool *pool = NULL;
    sp_error err;
    sp_pool_new(&pool, 4, &err);
    sp_pool_add_partner(pool, "A", "Council A", 1000, &err);
    sp_pool_add_partner(pool, "B", "Council B", 2000, &err);
    sp_pool_add_site(pool, "A1", "A", "A office", 52.0, -1.0, &err);
    sp_pool_add_site(pool, "B1", "B", "B office", 52.1, -1.1, &err);
    sp_pool_add_skill(pool, "noise", "Noise", &err);
    sp_pool_add_staff(pool, "s1", "One", "A", "A1", 37, 30, -1, 0, &err);
    return pool;
}

static void test_periods(void)
{
    sp_pool *pool = (sp_pool *)1;
    sp_error err;
    CHECK(sp_pool_new(&pool, 0, &err) == SP_EINVAL);
    CHECK(pool == NULL);
    CHECK_STR(err.field, "periods");
    CHECK(sp_pool_new(&pool, SP_MAX_PERIODS + 1, &err) == SP_EINVAL);
}

static void test_staff_errors(void)
{
    sp_pool *pool = base_pool();
    sp_error err;
    CHECK(sp_pool_add_staff(pool, "s2", NULL, "A", "A1", -3, 30, -1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.record, "staff 's2'");
    CHECK_STR(err.field, "contracted_hours");
    CHECK_HAS(err.message, "staff 's2': contracted_hours");
    CHECK(sp_pool_add_staff(pool, "s2", NULL, "A", "A1", NAN, 30, -1, 0, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "finite");
    CHECK(sp_pool_add_staff(pool, "s2", NULL, "A", "A1", 37, INFINITY, -1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "cost_per_hour");
    CHECK(sp_pool_add_staff(pool, "s2", NULL, "Z", "A1", 37, 30, -1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "partner");
    CHECK_HAS(err.message, "unknown partner 'Z'");
    CHECK(sp_pool_add_staff(pool, "s2", NULL, "A", "nowhere", 37, 30, -1, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "site");
    CHECK(sp_pool_add_staff(pool, "s1", NULL, "A", "A1", 37, 30, -1, 0, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "duplicate id");
    CHECK(sp_pool_add_staff(pool, "", NULL, "A", "A1", 37, 30, -1, 0, &err) == SP_EINVAL);
    CHECK(sp_pool_staff_count(pool) == 1);
    CHECK(sp_pool_add_staff_skill(pool, "s1", "noise", 6, &err) == SP_EINVAL);
    CHECK_STR(err.field, "skills");
    CHECK(sp_pool_add_staff_skill(pool, "s1", "food", 3, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "unknown skill 'food'");
    CHECK(sp_pool_add_staff_skill(pool, "s1", "noise", 3, &err) == SP_OK);
    CHECK(sp_pool_add_staff_skill(pool, "s1", "noise", 2, &err) == SP_EINVAL);
    CHECK(sp_pool_add_staff_skill(pool, "ghost", "noise", 2, &err) == SP_EINVAL);
    CHECK_STR(err.field, "staff");
    CHECK(sp_pool_authorise(pool, "s1", "Q", &err) == SP_EINVAL);
    CHECK_STR(err.field, "authorised");
    sp_pool_free(pool);
}

static void test_availability_and_demand_errors(void)
{
    sp_pool *pool = base_pool();
    sp_error err;
    CHECK(sp_pool_set_availability(pool, "s1", 4, 10, &err) == SP_EINVAL);
    CHECK_STR(err.field, "period");
    CHECK(sp_pool_set_availability(pool, "s1", 1, 38, &err) == SP_EINVAL);
    CHECK_STR(err.field, "hours");
    CHECK(sp_pool_set_availability(pool, "s1", 1, -1, &err) == SP_EINVAL);
    CHECK(sp_pool_set_availability(pool, "s1", 1, 0, &err) == SP_OK);
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 0, NAN, 1, 0, 0, &err) == SP_EINVAL);
    CHECK_STR(err.record, "demand '#0'");
    CHECK_STR(err.field, "hours");
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 0, 1e9, 1, 0, 0, &err) == SP_EINVAL);
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 9, 1, 1, 0, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "period");
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 0, 1, 0, 0, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "min_level");
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 0, 1, 1, 7, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "priority");
    CHECK(sp_pool_add_demand(pool, "A", "B1", "noise", 0, 1, 1, 0, 0, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "belongs to partner 'B'");
    CHECK(sp_pool_add_demand(pool, "A", NULL, "noise", 0, 1, 1, 0, 0, &err) == SP_OK);
    CHECK(sp_pool_demand_count(pool) == 1);
    CHECK(sp_pool_set_resilience(pool, "A", "noise", 2, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "max_share");
    CHECK(sp_pool_set_resilience(pool, "A", "noise", 2, 0.5, &err) == SP_OK);
    CHECK(sp_pool_set_resilience(pool, "A", "noise", 1, 0.5, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "already exists");
    CHECK(sp_pool_set_travel_minutes(pool, "A1", "A1", 5, &err) == SP_EINVAL);
    CHECK(sp_pool_set_travel_minutes(pool, "A1", "B1", -5, &err) == SP_EINVAL);
    CHECK(sp_pool_set_reserve_share(pool, 1.5, &err) == SP_EINVAL);
    CHECK_STR(err.field, "reserve_share");
    CHECK(sp_pool_set_priority_weight(pool, 0, 0.0, &err) == SP_EINVAL);
    sp_pool_free(pool);
}

static void test_travel(void)
{
    sp_pool *pool = base_pool();
    sp_error err;
    double *m = sp_travel_matrix(pool);
    /* 0.1 degree of latitude and longitude at 52 N: about 13.0 km, 19.6 minutes at 40 km/h. */
    double km = sp_haversine_km(52.0, -1.0, 52.1, -1.1);
    CHECK_NEAR(km, 13.0, 0.2);
    CHECK_NEAR(m[1], km / 40.0 * 60.0, 1e-9);
    CHECK(m[0] == 0.0);
    free(m);
    CHECK(sp_pool_set_travel_minutes(pool, "A1", "B1", 50, &err) == SP_OK);
    m = sp_travel_matrix(pool);
    CHECK(m[1] == 50 && m[2] == 50);
    free(m);
    CHECK(sp_pool_set_travel_minutes(pool, "B1", "A1", 70, &err) == SP_OK);
    CHECK(sp_pool_set_travel_minutes(pool, "A1", "B1", 55, &err) == SP_OK);
    m = sp_travel_matrix(pool);
    CHECK(m[1] == 55 && m[2] == 70); /* a direction given explicitly is never overwritten */
    free(m);
    sp_pool_free(pool);
}

static void test_free_null(void)
{
    sp_pool_free(NULL);
    sp_solution_free(NULL);
    sp_cancel_free(NULL);
    CHECK(1);
}

int main(void)
{
    RUN(test_periods);
    RUN(test_staff_errors);
    RUN(test_availability_and_demand_errors);
    RUN(test_travel);
    RUN(test_free_null);
    return harness_report();
}
