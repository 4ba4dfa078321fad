/* Reads an allocation plan back: assignments, unmet demand with its reason, partner summaries,
 * resilience, and the objective terms recomputed from the hours themselves. */
#include "alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS_HOURS 1e-6 /* assignments below this are rounding noise */
/* Later objective stages may spend the tolerance that keeps earlier terms at their optimum (and
 * GLPK's own feasibility tolerance, 1e-7 relative) to save cost, leaving a few thousandths of an
 * hour unmet. Unmet demand and spare capacity below this are not worth a planner's attention and
 * must not be explained as a missed opportunity. */
#define EPS_REPORT 1e-3

typedef struct reading {
    const model *m;
    const sp_pool *pool;
    sp_id_copies ids;
    double *hours;         /* per pair, clipped at 0 */
    double *received;      /* per demand */
    double *used;          /* per (staff, period): hours plus travel */
    int *served_count;     /* per staff: partners served */
    unsigned char *serves; /* per (staff, partner) for partner-limited staff only */
} reading;

static void reading_free(reading *r)
{
    free(r->hours), free(r->received), free(r->used), free(r->served_count), free(r->serves);
    sp_id_copies_free(&r->ids);
}

static int tally(reading *r, const double *x)
{
    const sp_pool *pool = r->pool;
    const model *m = r->m;
    size_t cells = pool->n_staff * (size_t)pool->periods;
    size_t links = pool->n_staff * pool->n_partners;
    r->hours = calloc(m->n_pairs ? m->n_pairs : 1, sizeof *r->hours);
    r->received = calloc(pool->n_demand ? pool->n_demand : 1, sizeof *r->received);
    r->used = calloc(cells ? cells : 1, sizeof *r->used);
    r->served_count = calloc(pool->n_staff ? pool->n_staff : 1, sizeof *r->served_count);
    r->serves = calloc(links ? links : 1, 1);
    if (!r->hours || !r->received || !r->used || !r->served_count || !r->serves)
        return SP_ENOMEM;
    if (!x)
        return SP_OK;
    for (size_t j = 0; j < m->n_pairs; j++) {
        const pair *p = &m->pairs[j];
        const sp_demand *d = &pool->demand[p->demand];
        double h = x[j] > EPS_HOURS ? x[j] : 0.0;
        r->hours[j] = h;
        r->received[p->demand] += h;
        r->used[(size_t)p->staff * (size_t)pool->periods + (size_t)d->period] += h * (1.0 + p->tau);
        unsigned char *link = &r->serves[(size_t)p->staff * pool->n_partners + (size_t)d->partner];
        if (h > 0 && !*link) {
            *link = 1;
            r->served_count[p->staff]++;
        }
    }
    return SP_OK;
}

static int add_assignments(sp_solution *sol, reading *r)
{
    const model *m = r->m;
    const sp_pool *pool = r->pool;
    size_t n = 0;
    for (size_t j = 0; j < m->n_pairs; j++)
        n += r->hours[j] > 0;
    sol->assignments = calloc(n ? n : 1, sizeof *sol->assignments);
    if (!sol->assignments)
        return SP_ENOMEM;
    for (size_t j = 0; j < m->n_pairs; j++) {
        if (r->hours[j] <= 0)
            continue;
        const pair *p = &m->pairs[j];
        const sp_demand *d = &pool->demand[p->demand];
        sol->assignments[sol->n_assignments++] =
            (sp_assignment){r->ids.staff[p->staff],
                            r->ids.partner[d->partner],
                            r->ids.skill[d->skill],
                            r->ids.site[d->site],
                            d->period,
                            (size_t)p->demand,
                            r->hours[j],
                            r->hours[j] * p->tau,
                            r->hours[j] * sp_alloc_hour_cost(m, p)};
    }
    return SP_OK;
}

/* The first true reason of docs/model.md "Results" for unmet demand d. */
static int unmet_reason(const reading *r, int d)
{
    const model *m = r->m;
    const sp_pool *pool = r->pool;
    const sp_demand *dem = &pool->demand[d];
    /* Each person fails the filters at some step; the reason is the furthest step anyone got. */
    int furthest = SP_REASON_NO_SKILL, spare_free = 0, spare_blocked = 0;
    for (int i = m->skill_start[dem->skill]; i < m->skill_start[dem->skill + 1]; i++) {
        int s = m->skill_staff[i];
        int fail = sp_alloc_eligibility(m, &pool->staff[s], dem);
        if (fail != SP_REASON_NONE) {
            if (fail > furthest)
                furthest = fail;
            continue;
        }
        furthest = SP_REASON_FULLY_BOOKED;
        const sp_staff *st = &pool->staff[s];
        double spare = sp_alloc_capacity(pool, st, dem->period) -
                       r->used[(size_t)s * (size_t)pool->periods + (size_t)dem->period];
        if (spare <= EPS_REPORT)
            continue;
        int at_limit = st->max_partners > 0 && r->served_count[s] >= st->max_partners &&
                       !r->serves[(size_t)s * pool->n_partners + (size_t)dem->partner];
        if (at_limit)
            spare_blocked = 1;
        else
            spare_free = 1;
    }
    if (furthest != SP_REASON_FULLY_BOOKED)
        return furthest;
    return spare_free      ? SP_REASON_SEARCH_STOPPED
           : spare_blocked ? SP_REASON_PARTNER_LIMIT
                           : SP_REASON_FULLY_BOOKED;
}

static int add_unmet(sp_solution *sol, reading *r)
{
    const sp_pool *pool = r->pool;
    sol->unmet = calloc(pool->n_demand ? pool->n_demand : 1, sizeof *sol->unmet);
    if (!sol->unmet)
        return SP_ENOMEM;
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        double missing = dem->hours - r->received[d];
        if (missing <= EPS_REPORT)
            continue;
        sol->unmet[sol->n_unmet++] = (sp_unmet){r->ids.partner[dem->partner],
                                                r->ids.skill[dem->skill],
                                                r->ids.site[dem->site],
                                                dem->period,
                                                d,
                                                dem->priority,
                                                dem->hours,
                                                missing,
                                                unmet_reason(r, (int)d)};
    }
    return SP_OK;
}

static int add_partners(sp_solution *sol, reading *r)
{
    const sp_pool *pool = r->pool;
    sol->partners = calloc(pool->n_partners ? pool->n_partners : 1, sizeof *sol->partners);
    if (!sol->partners)
        return SP_ENOMEM;
    sol->n_partners = pool->n_partners;
    for (size_t p = 0; p < pool->n_partners; p++)
        sol->partners[p].partner_id = r->ids.partner[p];
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        sp_partner_summary *ps = &sol->partners[dem->partner];
        double missing = fmax(0.0, dem->hours - r->received[d]);
        ps->hours_demanded += dem->hours;
        ps->hours_received += fmin(dem->hours, r->received[d]);
        ps->hours_unmet += missing;
        ps->unmet_by_priority[dem->priority] += missing;
    }
    for (size_t i = 0; i < sol->n_assignments; i++) {
        const sp_assignment *a = &sol->assignments[i];
        sol->partners[pool->demand[a->demand_index].partner].cost += a->cost;
    }
    for (size_t p = 0; p < pool->n_partners; p++) {
        sp_partner_summary *ps = &sol->partners[p];
        ps->unmet_fraction = ps->hours_demanded > 0 ? ps->hours_unmet / ps->hours_demanded : 0.0;
    }
    return SP_OK;
}

static const sp_rule *rule_for(const sp_pool *pool, int partner, int skill)
{
    char key[64];
    snprintf(key, sizeof key, "%d\x1f%d", partner, skill);
    int r = sp_idmap_get(&pool->rule_keys, key);
    return r < 0 ? NULL : &pool->rules[r];
}

/* One (partner, skill): hours per person summed over its demand records. */
static void measure_pk(sp_resilience *out, const reading *r, size_t pk, double *staff_hours,
                       int *touched)
{
    const model *m = r->m;
    const sp_pool *pool = r->pool;
    size_t n_touched = 0;
    for (int i = m->pk_start[pk]; i < m->pk_start[pk + 1]; i++) {
        int d = m->pk_demand[i];
        out->hours_demanded += pool->demand[d].hours;
        out->hours_received += fmin(pool->demand[d].hours, r->received[d]);
        for (size_t j = m->demand_first[d]; j < m->demand_first[d + 1]; j++) {
            int s = m->pairs[j].staff;
            if (r->hours[j] <= 0)
                continue;
            if (staff_hours[s] == 0.0)
                touched[n_touched++] = s;
            staff_hours[s] += r->hours[j];
        }
    }
    double cap = out->max_share * out->hours_demanded, largest = 0.0;
    for (size_t i = 0; i < n_touched; i++) {
        int s = touched[i];
        double h = staff_hours[s];
        if (h >= r->pool->min_engagement - EPS_HOURS)
            out->distinct_people++;
        if (h > largest || (h == largest && out->largest_staff_id == NULL)) {
            largest = h;
            out->largest_staff_id = r->ids.staff[s];
        }
        if (out->max_share < 1.0 && h > cap)
            out->share_excess_hours += h - cap;
        staff_hours[s] = 0.0;
    }
    out->largest_share = out->hours_demanded > 0 ? largest / out->hours_demanded : 0.0;
    out->people_short =
        out->min_people > out->distinct_people ? out->min_people - out->distinct_people : 0;
}

static int add_resilience(sp_solution *sol, reading *r)
{
    const model *m = r->m;
    const sp_pool *pool = r->pool;
    size_t n_pk = pool->n_partners * pool->n_skills, n = 0;
    for (size_t pk = 0; pk < n_pk; pk++)
        n += m->pk_start[pk + 1] > m->pk_start[pk];
    sol->resilience = calloc(n ? n : 1, sizeof *sol->resilience);
    double *staff_hours = calloc(pool->n_staff ? pool->n_staff : 1, sizeof *staff_hours);
    int *touched = malloc((pool->n_staff ? pool->n_staff : 1) * sizeof *touched);
    if (!sol->resilience || !staff_hours || !touched) {
        free(staff_hours), free(touched);
        return SP_ENOMEM;
    }
    for (size_t pk = 0; pk < n_pk; pk++) {
        if (m->pk_start[pk + 1] == m->pk_start[pk])
            continue;
        int partner = (int)(pk / pool->n_skills), skill = (int)(pk % pool->n_skills);
        const sp_rule *rule = rule_for(pool, partner, skill);
        sp_resilience *out = &sol->resilience[sol->n_resilience++];
        out->partner_id = r->ids.partner[partner];
        out->skill_id = r->ids.skill[skill];
        out->min_people = rule ? rule->min_people : 0;
        out->max_share = rule ? rule->max_share : 1.0;
        measure_pk(out, r, pk, staff_hours, touched);
    }
    free(staff_hours), free(touched);
    return SP_OK;
}

/* U, F, R and C of docs/model.md, from the plan's hours. */
static void compute_terms(sp_solution *sol, const reading *r)
{
    const sp_pool *pool = r->pool;
    double unmet = 0.0, fairness = 0.0, resilience = 0.0, cost = 0.0;
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        unmet += pool->priority_weight[dem->priority] * fmax(0.0, dem->hours - r->received[d]);
    }
    for (size_t p = 0; p < sol->n_partners; p++)
        fairness = fmax(fairness, sol->partners[p].unmet_fraction);
    for (size_t i = 0; i < sol->n_resilience; i++) {
        const sp_resilience *res = &sol->resilience[i];
        if (res->hours_demanded > 0)
            resilience += res->people_short + res->share_excess_hours / res->hours_demanded;
    }
    for (size_t i = 0; i < sol->n_assignments; i++)
        cost += sol->assignments[i].cost;
    double values[SP_TERM_COUNT] = {unmet, fairness, resilience, cost};
    sol->gap = 0.0;
    for (int t = 0; t < SP_TERM_COUNT; t++) {
        sp_term *term = &sol->terms[t];
        term->value = values[t];
        if (term->bound > term->value)
            term->bound = term->value;
        double slack = term->value - term->bound;
        /* measured against the term's unit when the value is smaller (alloc.c set_term_units) */
        term->gap = slack <= 1e-6 * fmax(1.0, fabs(term->value))
                        ? 0.0
                        : slack / fmax(fmax(fabs(term->value), r->m->term_unit[t]), 1e-9);
        sol->gap = fmax(sol->gap, term->gap);
    }
}

int sp_alloc_results(sp_solution *sol, const model *m, const double *x)
{
    reading r = {.m = m, .pool = m->pool};
    int rc = sp_solution_copy_ids(sol, &r.ids, m->pool);
    if (!rc)
        rc = tally(&r, x);
    if (!rc && x) {
        rc = add_assignments(sol, &r);
        if (!rc)
            rc = add_unmet(sol, &r);
        if (!rc)
            rc = add_partners(sol, &r);
        if (!rc)
            rc = add_resilience(sol, &r);
        if (!rc)
            compute_terms(sol, &r);
    } else if (!rc) {
        sol->gap = HUGE_VAL; /* no plan: nothing is proved about any term */
    }
    reading_free(&r);
    return rc;
}
