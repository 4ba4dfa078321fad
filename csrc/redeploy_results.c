/* Reads a redeployment plan back: each person's outcome (post, start, retraining, pay protection,
 * travel or relocation, waiting time and pool hours) or redundancy with its true reason, who fills
 * each vacancy, the totals, and the objective terms recomputed from the plan itself. */
#include "redeploy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_redeploy_result_free(sp_redeploy_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_strings; i++)
        free(res->strings[i]);
    free(res->strings);
    free(res->outcomes);
    free(res->fills);
    free(res);
}

int sp_redeploy_result_status(const sp_redeploy_result *res)
{
    return res->status;
}
int sp_redeploy_result_stop_reason(const sp_redeploy_result *res)
{
    return res->stop_reason;
}
double sp_redeploy_result_gap(const sp_redeploy_result *res)
{
    return res->gap;
}
double sp_redeploy_result_seconds(const sp_redeploy_result *res)
{
    return res->seconds;
}
size_t sp_redeploy_result_columns(const sp_redeploy_result *res)
{
    return res->columns;
}
size_t sp_redeploy_result_rows(const sp_redeploy_result *res)
{
    return res->rows;
}
size_t sp_redeploy_result_pairs(const sp_redeploy_result *res)
{
    return res->n_pairs;
}

int sp_redeploy_result_term(sp_term *out, const sp_redeploy_result *res, int t)
{
    if (t < 0 || t >= SP_RTERM_COUNT)
        return SP_ERANGE;
    *out = res->terms[t];
    return SP_OK;
}

const sp_redeploy_outcome *sp_redeploy_result_outcomes(const sp_redeploy_result *res, size_t *n)
{
    *n = res->n_outcomes;
    return res->outcomes;
}

const sp_redeploy_fill *sp_redeploy_result_fills(const sp_redeploy_result *res, size_t *n)
{
    *n = res->n_fills;
    return res->fills;
}

void sp_redeploy_result_totals(sp_redeploy_totals *out, const sp_redeploy_result *res)
{
    *out = res->totals;
}

const char *sp_redeploy_reason_name(int reason)
{
    static const char *const names[] = {"none",          "no_vacancy", "grade",
                                        "travel",        "no_route",   "training_limit",
                                        "training_time", "taken",      "search_stopped"};
    return reason >= 0 && reason <= SP_RREASON_SEARCH_STOPPED ? names[reason] : "unknown";
}

const char *sp_redeploy_reason_text(int reason)
{
    static const char *const texts[] = {
        "redeployed",
        "no vacancy opens within the horizon",
        "no vacancy at an acceptable grade",
        "vacancies at an acceptable grade are all beyond the person's travel limit, and they are "
        "not willing to relocate",
        "vacancies at an acceptable grade within reach all need a skill the person lacks, and no "
        "retraining route closes the gap",
        "retraining routes close the skill gap, but each takes longer than the training limit",
        "retraining within the limit cannot finish before the post starts, even with the trial "
        "period",
        "suitable posts exist, but the plan with fewest redundancies gives every one to someone "
        "else",
        "a suitable post is left unfilled: the solve stopped before proving the plan optimal"};
    return reason >= 0 && reason <= SP_RREASON_SEARCH_STOPPED ? texts[reason] : "unknown reason";
}

/* ---- strings owned by the result ---- */

static const char *keep(sp_redeploy_result *res, const char *s)
{
    if (!s)
        return NULL;
    if (sp_grow(&res->strings, &res->cap_strings, res->n_strings + 1, sizeof *res->strings))
        return NULL;
    char *copy = sp_strdup(s);
    if (copy)
        res->strings[res->n_strings++] = copy;
    return copy;
}

typedef struct reading {
    const rd_model *m;
    const sp_redeploy *rd;
    const char **partner, **site, **skill, **person, **post, **vacancy;
    int *chosen;    /* per person: pair index or -1 */
    int *filled_by; /* per vacancy: person or -1 */
} reading;

static void reading_free(reading *r)
{
    free(r->partner), free(r->site), free(r->skill), free(r->person), free(r->post);
    free(r->vacancy), free(r->chosen), free(r->filled_by);
}

static int copy_ids(sp_redeploy_result *res, reading *r)
{
    const sp_redeploy *rd = r->rd;
    const rd_model *m = r->m;
    r->partner = calloc(rd->n_partners + 1, sizeof *r->partner);
    r->site = calloc(rd->n_sites + 1, sizeof *r->site);
    r->skill = calloc(rd->n_skills + 1, sizeof *r->skill);
    r->person = calloc(rd->n_people + 1, sizeof *r->person);
    r->post = calloc(rd->n_people + 1, sizeof *r->post);
    r->vacancy = calloc(m->n_vacancies + 1, sizeof *r->vacancy);
    r->chosen = malloc((rd->n_people + 1) * sizeof *r->chosen);
    r->filled_by = malloc((m->n_vacancies + 1) * sizeof *r->filled_by);
    if (!r->partner || !r->site || !r->skill || !r->person || !r->post || !r->vacancy ||
        !r->chosen || !r->filled_by)
        return SP_ENOMEM;
    for (size_t i = 0; i < rd->n_partners; i++)
        if (!(r->partner[i] = keep(res, rd->partners[i])))
            return SP_ENOMEM;
    for (size_t i = 0; i < rd->n_sites; i++)
        if (!(r->site[i] = keep(res, rd->sites[i].id)))
            return SP_ENOMEM;
    for (size_t i = 0; i < rd->n_skills; i++)
        if (!(r->skill[i] = keep(res, rd->skills[i])))
            return SP_ENOMEM;
    for (size_t i = 0; i < rd->n_people; i++) {
        if (!(r->person[i] = keep(res, rd->people[i].id)))
            return SP_ENOMEM;
        if (rd->people[i].post && !(r->post[i] = keep(res, rd->people[i].post)))
            return SP_ENOMEM;
    }
    for (size_t i = 0; i < m->n_vacancies; i++)
        if (!(r->vacancy[i] = keep(res, m->vacancies[i].id)))
            return SP_ENOMEM;
    return SP_OK;
}

static void read_choices(reading *r, const double *x)
{
    const rd_model *m = r->m;
    for (size_t v = 0; v < m->n_vacancies; v++)
        r->filled_by[v] = -1;
    for (size_t s = 0; s < r->rd->n_people; s++) {
        r->chosen[s] = -1;
        for (size_t j = m->person_first[s]; j < m->person_first[s + 1]; j++) {
            if (x[j] > 0.5 && r->chosen[s] < 0 && r->filled_by[m->pairs[j].vacancy] < 0) {
                r->chosen[s] = (int)j;
                r->filled_by[m->pairs[j].vacancy] = (int)s;
            }
        }
    }
}

/* Appends printf-style text to buf (of size cap), truncating silently. */
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

static void describe_move(char *buf, size_t cap, const reading *r, const rd_pair *x)
{
    const rd_model *m = r->m;
    const sp_redeploy *rd = r->rd;
    const rd_vacancy *v = &m->vacancies[x->vacancy];
    const rd_person *p = &rd->people[x->person];
    snprintf(buf, cap, "to %s (%s, grade %+d) from period %d", v->id, rd->partners[v->partner],
             v->grade - p->grade, v->start);
    if (x->route >= 0) {
        const rd_route *route = &rd->routes[x->route];
        append(buf, cap, "; retrains %s %d -> %s %d in %g weeks", rd->skills[route->from_skill],
               route->from_level, rd->skills[route->to_skill], route->to_level, route->weeks);
    }
    if (x->protection_cost > 0)
        append(buf, cap, "; pay protected for %d periods", rd->rules.protection_periods);
    if (x->relocate)
        append(buf, cap, "; relocates (%.0f min beyond a %.0f-min limit)", x->travel_minutes,
               p->max_travel);
    if (x->waiting > 0)
        append(buf, cap, "; works in the pool for %d period%s while waiting", x->waiting,
               x->waiting == 1 ? "" : "s");
}

/* The true reason person s is redundant: each vacancy fails the filters at some step, and the
 * reason is the furthest step any vacancy got (docs/redeployment.md "Reasons"). */
static int redundancy_reason(const reading *r, int s, char *buf, size_t cap, int *suitable)
{
    const rd_model *m = r->m;
    const sp_redeploy *rd = r->rd;
    const rd_person *p = &rd->people[s];
    *suitable = 0;
    if (m->n_vacancies == 0) {
        snprintf(buf, cap, "no vacancy opens within the %d-period horizon", rd->periods);
        return SP_RREASON_NO_VACANCY;
    }
    int furthest = SP_RREASON_GRADE, unfilled = -1;
    for (size_t v = 0; v < m->n_vacancies; v++) {
        int fail = sp_rd_check(m, s, (int)v, NULL);
        if (fail == SP_RREASON_NONE) {
            (*suitable)++;
            fail = SP_RREASON_TAKEN;
            if (r->filled_by[v] < 0 && unfilled < 0)
                unfilled = (int)v;
        }
        if (fail > furthest)
            furthest = fail;
    }
    if (furthest == SP_RREASON_TAKEN && unfilled >= 0) {
        snprintf(buf, cap,
                 "suitable post %s is unfilled: the solve stopped before proving the "
                 "plan optimal",
                 m->vacancies[unfilled].id);
        return SP_RREASON_SEARCH_STOPPED;
    }
    /* The vacancies that got furthest, named (up to three) to make the reason concrete. */
    int named = 0;
    switch (furthest) {
    case SP_RREASON_GRADE:
        snprintf(buf, cap, "none of the %zu vacancies is within grades %d..%d", m->n_vacancies,
                 p->grade - rd->rules.grades_down < 1 ? 1 : p->grade - rd->rules.grades_down,
                 p->grade + rd->rules.grades_up);
        return furthest;
    case SP_RREASON_TRAVEL:
        snprintf(buf, cap,
                 "posts at an acceptable grade are beyond %.0f minutes' travel and "
                 "relocation is ruled out:",
                 p->max_travel);
        break;
    case SP_RREASON_NO_ROUTE:
        snprintf(buf, cap,
                 "posts at an acceptable grade within reach need skills with no "
                 "retraining route:");
        break;
    case SP_RREASON_TRAINING_LIMIT:
        snprintf(buf, cap,
                 "retraining for posts at an acceptable grade within reach takes longer "
                 "than %g weeks:",
                 rd->rules.training_limit_weeks);
        break;
    case SP_RREASON_TRAINING_TIME:
        snprintf(buf, cap, "retraining cannot finish by the start plus a %g-week trial:",
                 rd->rules.trial_weeks);
        break;
    default:
        snprintf(buf, cap, "%d suitable post%s, all filled by others:", *suitable,
                 *suitable == 1 ? "" : "s");
        break;
    }
    for (size_t v = 0; v < m->n_vacancies && named < 3; v++) {
        int fail = sp_rd_check(m, s, (int)v, NULL);
        if (fail == SP_RREASON_NONE)
            fail = SP_RREASON_TAKEN;
        if (fail != furthest)
            continue;
        const rd_vacancy *vac = &m->vacancies[v];
        append(buf, cap, "%s %s", named ? ";" : "", vac->id);
        if (furthest == SP_RREASON_TRAVEL)
            append(buf, cap, " (%.0f min)", sp_rd_home_minutes(m, p, vac->site));
        else if (furthest == SP_RREASON_NO_ROUTE || furthest == SP_RREASON_TRAINING_LIMIT)
            append(buf, cap, " (needs %s %d)", rd->skills[vac->skill], vac->min_level);
        else if (furthest == SP_RREASON_TRAINING_TIME)
            append(buf, cap, " (starts week %g)", vac->start * rd->rules.period_weeks);
        else {
            int holder = r->filled_by[v];
            size_t options = r->m->person_first[holder + 1] - r->m->person_first[holder];
            append(buf, cap, " went to %s (%zu suitable post%s)", rd->people[holder].id, options,
                   options == 1 ? "" : "s");
        }
        named++;
    }
    return furthest;
}

static int add_outcomes(sp_redeploy_result *res, reading *r)
{
    const rd_model *m = r->m;
    const sp_redeploy *rd = r->rd;
    sp_redeploy_totals *t = &res->totals;
    res->outcomes = calloc(rd->n_people ? rd->n_people : 1, sizeof *res->outcomes);
    if (!res->outcomes)
        return SP_ENOMEM;
    char buf[512];
    for (size_t s = 0; s < rd->n_people; s++) {
        const rd_person *p = &rd->people[s];
        sp_redeploy_outcome *o = &res->outcomes[res->n_outcomes++];
        o->person_id = r->person[s];
        o->partner_id = r->partner[p->partner];
        o->post_id = r->post[s];
        o->redundancy_cost = sp_rd_redundancy_cost(rd, p);
        o->suitable_posts = (int)(m->person_first[s + 1] - m->person_first[s]);
        buf[0] = '\0';
        t->people++;
        if (r->chosen[s] < 0) {
            int suitable;
            o->reason = redundancy_reason(r, (int)s, buf, sizeof buf, &suitable);
            o->vacancy_kind = o->start = -1;
            t->redundant++;
            t->redundancy_cost_incurred += o->redundancy_cost;
        } else {
            const rd_pair *x = &m->pairs[r->chosen[s]];
            const rd_vacancy *v = &m->vacancies[x->vacancy];
            o->redeployed = 1;
            o->vacancy_id = r->vacancy[x->vacancy];
            o->vacancy_partner_id = r->partner[v->partner];
            o->vacancy_site_id = r->site[v->site];
            o->vacancy_kind = v->kind;
            o->start = x->start;
            o->grade_change = v->grade - p->grade;
            if (x->route >= 0) {
                const rd_route *route = &rd->routes[x->route];
                o->route_from_skill = r->skill[route->from_skill];
                o->route_from_level = route->from_level;
                o->route_to_skill = r->skill[route->to_skill];
                o->route_to_level = route->to_level;
                o->training_weeks = route->weeks;
                t->retrained++;
            }
            o->training_cost = x->training_cost;
            o->protection_cost = x->protection_cost;
            o->travel_minutes = x->travel_minutes;
            o->travel_cost = x->travel_cost;
            o->relocated = x->relocate;
            o->relocation_cost = x->relocation_cost;
            o->waiting_periods = x->waiting;
            o->pool_hours = x->waiting * p->hours * rd->rules.period_weeks;
            o->waiting_cost = x->waiting_cost;
            o->cost = x->cost;
            o->misfit = x->misfit;
            describe_move(buf, sizeof buf, r, x);
            t->redeployed++;
            t->relocations += x->relocate;
            t->protected_pay += x->protection_cost > 0;
            t->waiting += x->waiting > 0;
            t->training_cost += x->training_cost;
            t->protection_cost += x->protection_cost;
            t->travel_cost += x->travel_cost;
            t->relocation_cost += x->relocation_cost;
            t->waiting_cost += x->waiting_cost;
            t->cost_of_avoiding += x->cost;
            t->redundancy_cost_avoided += o->redundancy_cost;
            t->pool_hours += o->pool_hours;
            t->misfit += x->misfit;
        }
        if (!(o->detail = keep(res, buf)))
            return SP_ENOMEM;
    }
    t->net_cost = t->cost_of_avoiding - t->redundancy_cost_avoided;
    return SP_OK;
}

static int add_fills(sp_redeploy_result *res, reading *r)
{
    const rd_model *m = r->m;
    res->fills = calloc(m->n_vacancies ? m->n_vacancies : 1, sizeof *res->fills);
    if (!res->fills)
        return SP_ENOMEM;
    for (size_t v = 0; v < m->n_vacancies; v++) {
        const rd_vacancy *vac = &m->vacancies[v];
        int holder = r->filled_by[v];
        res->fills[res->n_fills++] = (sp_redeploy_fill){r->vacancy[v],
                                                        r->partner[vac->partner],
                                                        r->site[vac->site],
                                                        r->skill[vac->skill],
                                                        vac->min_level,
                                                        vac->grade,
                                                        vac->start,
                                                        vac->kind,
                                                        holder < 0 ? NULL : r->person[holder],
                                                        m->vacancy_candidates[v]};
        res->totals.vacancies++;
        res->totals.expected_vacancies += vac->kind == SP_VACANCY_EXPECTED;
        res->totals.filled += holder >= 0;
    }
    return SP_OK;
}

static void compute_terms(sp_redeploy_result *res)
{
    const sp_redeploy_totals *t = &res->totals;
    double values[SP_RTERM_COUNT] = {t->redundant, t->net_cost, t->relocations, t->misfit};
    res->gap = 0.0;
    for (int i = 0; i < SP_RTERM_COUNT; i++) {
        sp_term *term = &res->terms[i];
        term->value = values[i];
        if (term->bound > term->value)
            term->bound = term->value;
        double slack = term->value - term->bound;
        term->gap = slack <= 1e-6 * fmax(1.0, fabs(term->value))
                        ? 0.0
                        : slack / fmax(fabs(term->value), 1e-9);
        res->gap = fmax(res->gap, term->gap);
    }
}

int sp_rd_results(sp_redeploy_result *res, const rd_model *m, const double *x)
{
    if (!x) {
        res->gap = HUGE_VAL; /* no plan: nothing is proved about any term */
        return SP_OK;
    }
    reading r = {.m = m, .rd = m->rd};
    int rc = copy_ids(res, &r);
    if (!rc) {
        read_choices(&r, x);
        rc = add_outcomes(res, &r);
    }
    if (!rc)
        rc = add_fills(res, &r);
    if (!rc)
        compute_terms(res);
    reading_free(&r);
    return rc;
}
