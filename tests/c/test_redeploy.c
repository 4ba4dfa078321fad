/* Redeployment: every bad value is refused naming the record and field; a hand-built case where
 * the strict order decides (a dearer plan with no redundancy beats a free plan with one), with
 * retraining, pay protection, waiting in the pool and each redundancy reason checked. */
#include "harness.h"
#include "internal.h"

#include <stdlib.h>

static sp_redeploy *base(void)
{
    sp_redeploy *rd = NULL;
    sp_error err;
    sp_redeploy_new(&rd, 6, &err);
    sp_redeploy_add_partner(rd, "A", &err);
    sp_redeploy_add_partner(rd, "B", &err);
    sp_redeploy_add_site(rd, "A1", "A", 52.0, -1.0, &err);
    sp_redeploy_add_site(rd, "B1", "B", 52.135, -1.0, &err); /* 22.5 min from A1 at 40 km/h */
    sp_redeploy_add_skill(rd, "food", &err);
    sp_redeploy_add_skill(rd, "noise", &err);
    return rd;
}

static int add_person(sp_redeploy *rd, const char *id, int grade, double lat, double max_travel,
                      sp_error *err)
{
    sp_redeploy_person p;
    sp_redeploy_person_init(&p);
    p.id = id;
    p.partner_id = "A";
    p.site_id = "A1";
    p.grade = grade;
    p.pay = 3000;
    p.hours = 37;
    p.post_ends = 2;
    p.max_travel_minutes = max_travel;
    if (lat != 0) {
        p.home_lat = lat;
        p.home_lon = -1.0;
    }
    return sp_redeploy_add_person(rd, &p, err);
}

static int add_vacancy(sp_redeploy *rd, const char *id, const char *skill, int level, int grade,
                       double pay, int start, sp_error *err)
{
    sp_redeploy_vacancy v;
    sp_redeploy_vacancy_init(&v);
    v.id = id;
    v.partner_id = "B";
    v.skill_id = skill;
    v.min_level = level;
    v.grade = grade;
    v.pay = pay;
    v.hours = 37;
    v.start = start;
    return sp_redeploy_add_vacancy(rd, &v, err);
}

static void test_validation(void)
{
    sp_redeploy *rd = (sp_redeploy *)1;
    sp_error err;
    CHECK(sp_redeploy_new(&rd, 0, &err) == SP_EINVAL && rd == NULL);
    CHECK_STR(err.field, "periods");
    rd = base();
    CHECK(add_person(rd, "p1", 0, 0, -1, &err) == SP_EINVAL);
    CHECK_STR(err.record, "person 'p1'");
    CHECK_STR(err.field, "grade");
    sp_redeploy_person p;
    sp_redeploy_person_init(&p);
    p.id = "p1", p.partner_id = "A", p.site_id = "A1", p.grade = 3, p.hours = 37;
    p.pay = NAN;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "pay");
    CHECK_HAS(err.message, "person 'p1': pay: must be a finite number");
    p.pay = 100, p.hours = -1;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "hours");
    p.hours = 37, p.post_ends = 6;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "post_ends");
    p.post_ends = 0, p.home_lat = 52.0;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "home_lon");
    p.home_lat = NAN, p.max_travel_minutes = NAN;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "max_travel_minutes");
    p.max_travel_minutes = -1, p.redundancy_cost = NAN;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "redundancy_cost");
    p.redundancy_cost = -1, p.relocate = 2;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "relocate");
    p.relocate = 0, p.partner_id = "Z";
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "unknown partner 'Z'");
    p.partner_id = "A", p.home_site_id = "nowhere";
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_STR(err.field, "home_site");
    p.home_site_id = NULL;
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_OK);
    CHECK(sp_redeploy_add_person(rd, &p, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "duplicate id");
    CHECK(sp_redeploy_person_count(rd) == 1);
    CHECK(sp_redeploy_add_person_skill(rd, "p1", "food", 6, &err) == SP_EINVAL);
    CHECK_STR(err.field, "skills");
    CHECK(sp_redeploy_add_person_skill(rd, "p1", "food", 3, &err) == SP_OK);
    CHECK(sp_redeploy_add_person_skill(rd, "p1", "food", 2, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "given twice");
    CHECK(sp_redeploy_add_person_skill(rd, "ghost", "food", 2, &err) == SP_EINVAL);
    CHECK(sp_redeploy_add_preference(rd, "p1", "B", &err) == SP_OK);
    CHECK(sp_redeploy_add_preference(rd, "p1", "B", &err) == SP_EINVAL);
    CHECK_STR(err.field, "preferences");

    CHECK(add_vacancy(rd, "v1", "food", 3, 3, -5, 0, &err) == SP_EINVAL);
    CHECK_STR(err.record, "vacancy 'v1'");
    CHECK_STR(err.field, "pay");
    CHECK(add_vacancy(rd, "v1", "food", 0, 3, 100, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "min_level");
    CHECK(add_vacancy(rd, "v1", "cooking", 3, 3, 100, 0, &err) == SP_EINVAL);
    CHECK_STR(err.field, "skill");
    CHECK(add_vacancy(rd, "v1", "food", 3, 3, 100, 6, &err) == SP_EINVAL);
    CHECK_STR(err.field, "start");
    sp_redeploy_vacancy v;
    sp_redeploy_vacancy_init(&v);
    v.id = "v1", v.partner_id = "B", v.skill_id = "food", v.hours = 37, v.kind = 2;
    CHECK(sp_redeploy_add_vacancy(rd, &v, &err) == SP_EINVAL);
    CHECK_STR(err.field, "kind");
    v.kind = SP_VACANCY_WASTAGE;
    CHECK(sp_redeploy_add_vacancy(rd, &v, &err) == SP_OK);
    CHECK(sp_redeploy_vacancy_count(rd) == 1);

    sp_redeploy_leaving l;
    sp_redeploy_leaving_init(&l);
    l.id = "rate", l.partner_id = "B", l.skill_id = "food", l.hours = 37, l.headcount = 10;
    l.annual_rate = 1.0;
    CHECK(sp_redeploy_add_leaving(rd, &l, &err) == SP_EINVAL);
    CHECK_STR(err.record, "leaving_rate 'rate'");
    CHECK_STR(err.field, "annual_rate");
    l.annual_rate = 0.1, l.headcount = -1;
    CHECK(sp_redeploy_add_leaving(rd, &l, &err) == SP_EINVAL);
    CHECK_STR(err.field, "headcount");

    CHECK(sp_redeploy_add_route(rd, "food", 2, "food", 2, 4, 100, &err) == SP_EINVAL);
    CHECK_STR(err.record, "route '#0'");
    CHECK_STR(err.field, "to_level");
    CHECK(sp_redeploy_add_route(rd, "food", 2, "noise", 3, INFINITY, 100, &err) == SP_EINVAL);
    CHECK_STR(err.field, "weeks");
    CHECK(sp_redeploy_add_route(rd, "food", 2, "noise", 3, 4, -1, &err) == SP_EINVAL);
    CHECK_STR(err.field, "cost");
    CHECK(sp_redeploy_add_route(rd, "food", 2, "nope", 3, 4, 1, &err) == SP_EINVAL);
    CHECK_STR(err.field, "to_skill");

    sp_redeploy_rules rules;
    sp_redeploy_rules_init(&rules);
    CHECK(rules.grades_up == 0 && rules.training_limit_weeks == 26);
    rules.waiting_cost_share = 1.5;
    CHECK(sp_redeploy_set_rules(rd, &rules, &err) == SP_EINVAL);
    CHECK_STR(err.record, "rules");
    CHECK_STR(err.field, "waiting_cost_share");
    rules.waiting_cost_share = 0, rules.period_weeks = NAN;
    CHECK(sp_redeploy_set_rules(rd, &rules, &err) == SP_EINVAL);
    CHECK_STR(err.field, "period_weeks");
    sp_redeploy_rules now;
    sp_redeploy_get_rules(&now, rd);
    CHECK(now.period_weeks == 4.0); /* unchanged by the refused call */

    sp_solve_options opts;
    sp_solve_options_init(&opts);
    opts.rel_gap = 2;
    sp_redeploy_result *res = (sp_redeploy_result *)1;
    CHECK(sp_redeploy_solve(&res, rd, &opts, &err) == SP_EINVAL && res == NULL);
    CHECK_STR(err.field, "rel_gap");
    sp_redeploy_free(rd);
    sp_redeploy_free(NULL);
    sp_redeploy_result_free(NULL);
}

static const sp_redeploy_outcome *find(const sp_redeploy_outcome *o, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(o[i].person_id, id) == 0)
            return &o[i];
    return NULL;
}

static void test_strict_order_and_reasons(void)
{
    sp_redeploy *rd = base();
    sp_error err;
    /* p1 can only take v1; p2 can take v1 directly or v2 after retraining (5000) and with pay
     * protection ((3000 - 2500) x 13 = 6500). Both placed costs 11500; one placed costs nothing.
     * Redundancy costs nothing here, so only the strict order makes the dearer plan win. */
    CHECK(add_person(rd, "p1", 5, 0, 60, &err) == SP_OK);
    CHECK(add_person(rd, "p2", 5, 0, 60, &err) == SP_OK);
    CHECK(add_person(rd, "low", 2, 0, 60, &err) == SP_OK);    /* every post is above grade 2 */
    CHECK(add_person(rd, "far", 5, 55.0, 30, &err) == SP_OK); /* hours away, will not move */
    CHECK(add_person(rd, "quiet", 5, 0, 60, &err) == SP_OK);  /* noise 1: no route from it */
    sp_redeploy_add_person_skill(rd, "p1", "food", 3, &err);
    sp_redeploy_add_person_skill(rd, "p2", "food", 3, &err);
    sp_redeploy_add_person_skill(rd, "p2", "noise", 2, &err);
    sp_redeploy_add_person_skill(rd, "low", "food", 4, &err);
    sp_redeploy_add_person_skill(rd, "far", "food", 4, &err);
    sp_redeploy_add_person_skill(rd, "quiet", "noise", 1, &err);
    CHECK(add_vacancy(rd, "v1", "food", 3, 5, 3000, 0, &err) == SP_OK);
    CHECK(add_vacancy(rd, "v2", "noise", 3, 4, 2500, 3, &err) == SP_OK);
    CHECK(sp_redeploy_add_route(rd, "noise", 2, "noise", 3, 10, 5000, &err) == SP_OK);
    sp_redeploy_result *res = NULL;
    CHECK(sp_redeploy_solve(&res, rd, NULL, &err) == SP_OK);
    CHECK(res && sp_redeploy_result_status(res) == SP_STATUS_OPTIMAL);
    sp_term t;
    sp_redeploy_result_term(&t, res, SP_RTERM_REDUNDANCIES);
    CHECK_NEAR(t.value, 3, 1e-9);
    CHECK(t.gap == 0.0);
    sp_redeploy_result_term(&t, res, SP_RTERM_NET_COST);
    CHECK_NEAR(t.value, 11500, 1e-6);
    CHECK(sp_redeploy_result_term(&t, res, 7) == SP_ERANGE);
    size_t n;
    const sp_redeploy_outcome *o = sp_redeploy_result_outcomes(res, &n);
    CHECK(n == 5);
    const sp_redeploy_outcome *p1 = find(o, n, "p1"), *p2 = find(o, n, "p2");
    CHECK(p1 && p1->redeployed && strcmp(p1->vacancy_id, "v1") == 0 && p1->cost == 0);
    CHECK(p2 && p2->redeployed && strcmp(p2->vacancy_id, "v2") == 0);
    CHECK_STR(p2->route_from_skill, "noise");
    CHECK(p2->route_from_level == 2 && p2->route_to_level == 3);
    CHECK_NEAR(p2->training_cost, 5000, 1e-9);
    CHECK_NEAR(p2->protection_cost, 6500, 1e-9);
    CHECK(p2->grade_change == -1 && p2->start == 3 && p2->waiting_periods == 1);
    CHECK_NEAR(p2->pool_hours, 37 * 4, 1e-9);
    CHECK_HAS(p2->detail, "retrains noise 2 -> noise 3");
    const sp_redeploy_outcome *low = find(o, n, "low"), *far = find(o, n, "far"),
                              *quiet = find(o, n, "quiet");
    CHECK(low && !low->redeployed && low->reason == SP_RREASON_GRADE);
    CHECK(far && far->reason == SP_RREASON_TRAVEL);
    CHECK(quiet && quiet->reason == SP_RREASON_NO_ROUTE);
    CHECK_STR(sp_redeploy_reason_name(far->reason), "travel");
    CHECK_HAS(far->detail, "v1");
    sp_redeploy_totals tot;
    sp_redeploy_result_totals(&tot, res);
    CHECK(tot.people == 5 && tot.redeployed == 2 && tot.redundant == 3 && tot.filled == 2);
    CHECK_NEAR(tot.cost_of_avoiding, 11500, 1e-9);
    sp_redeploy_free(rd); /* the result owns its strings */
    CHECK_STR(p1->person_id, "p1");
    sp_redeploy_result_free(res);
}

static void test_taken_training_and_expected(void)
{
    sp_redeploy *rd = base();
    sp_error err;
    add_person(rd, "a", 5, 0, -1, &err);
    add_person(rd, "b", 5, 0, -1, &err);
    add_person(rd, "slow", 5, 0, -1, &err);
    sp_redeploy_add_person_skill(rd, "a", "food", 3, &err);
    sp_redeploy_add_person_skill(rd, "b", "food", 3, &err);
    sp_redeploy_add_person_skill(rd, "slow", "noise", 2, &err);
    /* a and b compete for the one food post: the one left out is 'taken'. */
    add_vacancy(rd, "v1", "food", 3, 5, 3000, 0, &err);
    /* noise 2 -> 4 takes 20 weeks: within the 26-week limit but the post starts in week 8 and
     * the trial lasts 4 weeks, so it cannot finish in time. */
    add_vacancy(rd, "v2", "noise", 4, 5, 3000, 2, &err);
    sp_redeploy_add_route(rd, "noise", 2, "noise", 4, 20, 100, &err);
    /* 40 staff at a 30% yearly rate over 13-week periods: expected vacancies open later. */
    sp_redeploy_leaving l;
    sp_redeploy_leaving_init(&l);
    l.id = "B-food", l.partner_id = "B", l.skill_id = "food", l.min_level = 5, l.grade = 5;
    l.pay = 3000, l.hours = 37, l.headcount = 40, l.annual_rate = 0.3;
    CHECK(sp_redeploy_add_leaving(rd, &l, &err) == SP_OK);
    sp_redeploy_result *res = NULL;
    CHECK(sp_redeploy_solve(&res, rd, NULL, &err) == SP_OK);
    size_t n;
    const sp_redeploy_outcome *o = sp_redeploy_result_outcomes(res, &n);
    int taken = 0;
    for (size_t i = 0; i < n; i++)
        taken += o[i].reason == SP_RREASON_TAKEN;
    CHECK(taken == 1);
    CHECK(find(o, n, "slow")->reason == SP_RREASON_TRAINING_TIME);
    const sp_redeploy_fill *f = sp_redeploy_result_fills(res, &n);
    /* q = 1 - 0.7^(4/52) = 0.02706...; L(t) = 40 (1 - (1 - q)^(t+1)): 1.08 by the end of period
     * 0, 2.13 by period 1, 3.16 by 2, 4.16 by 3, 5.13 by 4: one vacancy starts in each of the
     * periods 1..5 (those reached after the last period are beyond the horizon). */
    CHECK(n == 7);
    CHECK(n == 7 && f[2].kind == SP_VACANCY_EXPECTED && f[2].start == 1);
    CHECK(n == 7 && strcmp(f[6].vacancy_id, "B-food#5") == 0 && f[6].start == 5);
    sp_redeploy_result_free(res);

    /* Time limit 0: no plan, reported honestly. */
    sp_solve_options opts;
    sp_solve_options_init(&opts);
    opts.time_limit = 0;
    CHECK(sp_redeploy_solve(&res, rd, &opts, &err) == SP_OK);
    CHECK(sp_redeploy_result_status(res) == SP_STATUS_NO_SOLUTION);
    CHECK(sp_redeploy_result_stop_reason(res) == SP_STOP_TIME_LIMIT);
    sp_redeploy_result_outcomes(res, &n);
    CHECK(n == 0);
    sp_redeploy_result_free(res);

    /* A raised cancel flag: stopped, reported as such; after a reset the same problem solves. */
    sp_cancel *cancel = NULL;
    CHECK(sp_cancel_new(&cancel, &err) == SP_OK);
    sp_cancel_raise(cancel);
    opts.time_limit = -1;
    opts.cancel = cancel;
    CHECK(sp_redeploy_solve(&res, rd, &opts, &err) == SP_OK);
    CHECK(sp_redeploy_result_status(res) == SP_STATUS_NO_SOLUTION);
    CHECK(sp_redeploy_result_stop_reason(res) == SP_STOP_CANCELLED);
    sp_redeploy_result_free(res);
    sp_cancel_reset(cancel);
    CHECK(sp_redeploy_solve(&res, rd, &opts, &err) == SP_OK);
    CHECK(sp_redeploy_result_status(res) == SP_STATUS_OPTIMAL);
    sp_redeploy_result_free(res);
    sp_cancel_free(cancel);
    sp_redeploy_free(rd);
}

static void test_empty(void)
{
    sp_redeploy *rd = base();
    sp_error err;
    sp_redeploy_result *res = NULL;
    CHECK(sp_redeploy_solve(&res, rd, NULL, &err) == SP_OK);
    CHECK(res && sp_redeploy_result_status(res) == SP_STATUS_OPTIMAL);
    sp_redeploy_result_free(res);
    add_person(rd, "alone", 5, 0, -1, &err);
    CHECK(sp_redeploy_solve(&res, rd, NULL, &err) == SP_OK);
    size_t n;
    const sp_redeploy_outcome *o = sp_redeploy_result_outcomes(res, &n);
    CHECK(n == 1 && o[0].reason == SP_RREASON_NO_VACANCY);
    sp_redeploy_result_free(res);
    sp_redeploy_free(rd);
}

int main(void)
{
    RUN(test_validation);
    RUN(test_strict_order_and_reasons);
    RUN(test_taken_training_and_expected);
    RUN(test_empty);
    return harness_report();
}
