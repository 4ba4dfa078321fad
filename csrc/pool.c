/* Building and validating a pool. Every value is checked as it arrives, so a pool that exists is a
 * valid pool: GLPK never sees a NaN, a negative hour or a dangling reference. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const PRIORITY_NAMES[SP_PRIORITY_COUNT] = {"statutory", "core", "discretionary"};

int sp_pool_new(sp_pool **out, int periods, sp_error *err)
{
    *out = NULL;
    if (periods < 1 || periods > SP_MAX_PERIODS)
        return sp_fail_field(err, "pool", NULL, "periods", "must be 1..%d (got %d)", SP_MAX_PERIODS,
                             periods);
    sp_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return sp_fail(err, SP_ENOMEM, "out of memory creating a pool");
    pool->periods = periods;
    pool->travel_speed_kmh = 40.0;
    pool->visit_hours = 7.5;
    pool->min_engagement = 1.0;
    pool->priority_weight[SP_PRIORITY_STATUTORY] = 100.0;
    pool->priority_weight[SP_PRIORITY_CORE] = 10.0;
    pool->priority_weight[SP_PRIORITY_DISCRETIONARY] = 1.0;
    *out = pool;
    sp_ok(err);
    return SP_OK;
}

void sp_pool_free(sp_pool *pool)
{
    if (!pool)
        return;
    for (size_t i = 0; i < pool->n_partners; i++) {
        free(pool->partners[i].id);
        free(pool->partners[i].name);
    }
    for (size_t i = 0; i < pool->n_sites; i++) {
        free(pool->sites[i].id);
        free(pool->sites[i].name);
    }
    for (size_t i = 0; i < pool->n_skills; i++) {
        free(pool->skills[i].id);
        free(pool->skills[i].name);
    }
    for (size_t i = 0; i < pool->n_staff; i++) {
        sp_staff *s = &pool->staff[i];
        free(s->id);
        free(s->name);
        free(s->skills);
        free(s->authorised);
        free(s->available);
    }
    free(pool->partners);
    free(pool->sites);
    free(pool->skills);
    free(pool->staff);
    free(pool->demand);
    free(pool->rules);
    free(pool->travel);
    sp_idmap_free(&pool->partner_ids);
    sp_idmap_free(&pool->site_ids);
    sp_idmap_free(&pool->skill_ids);
    sp_idmap_free(&pool->staff_ids);
    sp_idmap_free(&pool->rule_keys);
    free(pool);
}

int sp_pool_periods(const sp_pool *pool)
{
    return pool->periods;
}
size_t sp_pool_staff_count(const sp_pool *pool)
{
    return pool->n_staff;
}
size_t sp_pool_demand_count(const sp_pool *pool)
{
    return pool->n_demand;
}

/* ---- value checks, each naming the record and field ---- */

#define GROW(pool, arr, n, cap)                                                                    \
    sp_grow(&(pool)->arr, &(pool)->cap, (pool)->n + 1, sizeof *(pool)->arr)

/* ---- settings ---- */

int sp_pool_set_reserve_share(sp_pool *pool, double share, sp_error *err)
{
    int rc = sp_check_number(err, "settings", NULL, "reserve_share", share, 0.0, 0.99);
    if (!rc)
        pool->reserve_share = share, sp_ok(err);
    return rc;
}

int sp_pool_set_travel_speed(sp_pool *pool, double kmh, sp_error *err)
{
    int rc = sp_check_number(err, "settings", NULL, "travel_speed_kmh", kmh, 0.1, 1000.0);
    if (!rc)
        pool->travel_speed_kmh = kmh, sp_ok(err);
    return rc;
}

int sp_pool_set_visit_hours(sp_pool *pool, double hours, sp_error *err)
{
    int rc = sp_check_number(err, "settings", NULL, "visit_hours", hours, 0.1, 24.0);
    if (!rc)
        pool->visit_hours = hours, sp_ok(err);
    return rc;
}

int sp_pool_set_min_engagement(sp_pool *pool, double hours, sp_error *err)
{
    int rc =
        sp_check_number(err, "settings", NULL, "min_engagement_hours", hours, 1e-3, SP_MAX_HOURS);
    if (!rc)
        pool->min_engagement = hours, sp_ok(err);
    return rc;
}

int sp_pool_set_priority_weight(sp_pool *pool, int priority, double weight, sp_error *err)
{
    if (priority < 0 || priority >= SP_PRIORITY_COUNT)
        return sp_fail_field(err, "settings", NULL, "priority_weights", "unknown priority %d",
                             priority);
    int rc = sp_check_number(err, "settings", PRIORITY_NAMES[priority], "priority_weights", weight,
                             1e-6, 1e6);
    if (!rc)
        pool->priority_weight[priority] = weight, sp_ok(err);
    return rc;
}

/* ---- records ---- */

int sp_pool_add_partner(sp_pool *pool, const char *id, const char *name, double population,
                        sp_error *err)
{
    int rc = sp_check_id(err, "partner", id);
    if (!rc)
        rc = sp_check_number(err, "partner", id, "population", population, 0.0, 1e10);
    if (!rc)
        rc = GROW(pool, partners, n_partners, cap_partners);
    if (rc)
        return rc == SP_EINVAL ? rc : sp_fail(err, rc, "out of memory adding partner");
    if ((rc = sp_register_id(err, &pool->partner_ids, "partner", id, pool->n_partners)))
        return rc;
    sp_partner *p = &pool->partners[pool->n_partners];
    *p = (sp_partner){sp_strdup(id), sp_strdup(name ? name : id), population, -1};
    if (!p->id || !p->name) {
        free(p->id), free(p->name);
        return sp_fail(err, SP_ENOMEM, "out of memory adding partner");
    }
    pool->n_partners++;
    sp_ok(err);
    return SP_OK;
}

int sp_pool_add_site(sp_pool *pool, const char *id, const char *partner_id, const char *name,
                     double lat, double lon, sp_error *err)
{
    int rc = sp_check_id(err, "site", id);
    if (!rc)
        rc = sp_check_number(err, "site", id, "lat", lat, -90.0, 90.0);
    if (!rc)
        rc = sp_check_number(err, "site", id, "lon", lon, -180.0, 180.0);
    if (rc)
        return rc;
    int partner =
        sp_lookup_id(err, &pool->partner_ids, "site", id, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    if ((rc = GROW(pool, sites, n_sites, cap_sites)))
        return sp_fail(err, rc, "out of memory adding site");
    if ((rc = sp_register_id(err, &pool->site_ids, "site", id, pool->n_sites)))
        return rc;
    sp_site *s = &pool->sites[pool->n_sites];
    *s = (sp_site){sp_strdup(id), sp_strdup(name ? name : id), partner, lat, lon};
    if (!s->id || !s->name) {
        free(s->id), free(s->name);
        return sp_fail(err, SP_ENOMEM, "out of memory adding site");
    }
    if (pool->partners[partner].first_site < 0)
        pool->partners[partner].first_site = (int)pool->n_sites;
    pool->n_sites++;
    sp_ok(err);
    return SP_OK;
}

int sp_pool_set_travel_minutes(sp_pool *pool, const char *from_site, const char *to_site,
                               double minutes, sp_error *err)
{
    return sp_travel_set(&pool->travel, &pool->n_travel, &pool->cap_travel, &pool->site_ids,
                         from_site, to_site, minutes, err);
}

int sp_pool_add_skill(sp_pool *pool, const char *id, const char *name, sp_error *err)
{
    int rc = sp_check_id(err, "skill", id);
    if (rc)
        return rc;
    if ((rc = GROW(pool, skills, n_skills, cap_skills)))
        return sp_fail(err, rc, "out of memory adding skill");
    if ((rc = sp_register_id(err, &pool->skill_ids, "skill", id, pool->n_skills)))
        return rc;
    sp_skill *k = &pool->skills[pool->n_skills];
    *k = (sp_skill){sp_strdup(id), sp_strdup(name ? name : id)};
    if (!k->id || !k->name) {
        free(k->id), free(k->name);
        return sp_fail(err, SP_ENOMEM, "out of memory adding skill");
    }
    pool->n_skills++;
    sp_ok(err);
    return SP_OK;
}

int sp_pool_add_staff(sp_pool *pool, const char *id, const char *name, const char *partner_id,
                      const char *site_id, double contracted_hours, double cost_per_hour,
                      double max_travel_minutes, int max_partners, sp_error *err)
{
    const char *kind = "staff";
    int rc = sp_check_id(err, kind, id);
    if (!rc)
        rc =
            sp_check_number(err, kind, id, "contracted_hours", contracted_hours, 0.0, SP_MAX_HOURS);
    if (!rc)
        rc = sp_check_number(err, kind, id, "cost_per_hour", cost_per_hour, 0.0, SP_MAX_HOURS);
    if (!rc && isnan(max_travel_minutes))
        rc = sp_fail_field(err, kind, id, "max_travel_minutes", "must not be NaN");
    if (rc)
        return rc;
    int partner = sp_lookup_id(err, &pool->partner_ids, kind, id, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    int site = sp_lookup_id(err, &pool->site_ids, kind, id, "site", "site", site_id);
    if (site < 0)
        return SP_EINVAL;
    if ((rc = GROW(pool, staff, n_staff, cap_staff)))
        return sp_fail(err, rc, "out of memory adding staff");
    double *available = malloc((size_t)pool->periods * sizeof *available);
    char *id_copy = sp_strdup(id), *name_copy = sp_strdup(name ? name : id);
    if (!available || !id_copy || !name_copy) {
        free(available), free(id_copy), free(name_copy);
        return sp_fail(err, SP_ENOMEM, "out of memory adding staff");
    }
    if ((rc = sp_register_id(err, &pool->staff_ids, kind, id, pool->n_staff))) {
        free(available), free(id_copy), free(name_copy);
        return rc;
    }
    for (int t = 0; t < pool->periods; t++)
        available[t] = contracted_hours;
    sp_staff *s = &pool->staff[pool->n_staff++];
    memset(s, 0, sizeof *s);
    s->id = id_copy;
    s->name = name_copy;
    s->partner = partner;
    s->site = site;
    s->contracted = contracted_hours;
    s->cost_per_hour = cost_per_hour;
    s->max_travel = max_travel_minutes < 0 || isinf(max_travel_minutes) ? -1.0 : max_travel_minutes;
    s->max_partners = max_partners > 0 ? max_partners : 0;
    s->available = available;
    sp_ok(err);
    return SP_OK;
}

static sp_staff *find_staff(sp_pool *pool, const char *staff_id, const char *kind, sp_error *err)
{
    int index = sp_lookup_id(err, &pool->staff_ids, kind, staff_id, "staff", "staff", staff_id);
    return index < 0 ? NULL : &pool->staff[index];
}

int sp_pool_add_staff_skill(sp_pool *pool, const char *staff_id, const char *skill_id, int level,
                            sp_error *err)
{
    sp_staff *s = find_staff(pool, staff_id, "staff skill", err);
    if (!s)
        return SP_EINVAL;
    int skill = sp_lookup_id(err, &pool->skill_ids, "staff", staff_id, "skills", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    if (level < 1 || level > SP_MAX_LEVEL)
        return sp_fail_field(err, "staff", staff_id, "skills",
                             "level of '%.64s' must be 1..%d (got %d)", skill_id, SP_MAX_LEVEL,
                             level);
    if (sp_staff_level(s, skill) > 0)
        return sp_fail_field(err, "staff", staff_id, "skills", "skill '%.64s' given twice",
                             skill_id);
    int rc = sp_grow(&s->skills, &s->cap_skills, s->n_skills + 1, sizeof *s->skills);
    if (rc)
        return sp_fail(err, rc, "out of memory adding a staff skill");
    s->skills[s->n_skills++] = (sp_staff_skill){skill, level};
    sp_ok(err);
    return SP_OK;
}

int sp_pool_authorise(sp_pool *pool, const char *staff_id, const char *partner_id, sp_error *err)
{
    sp_staff *s = find_staff(pool, staff_id, "authorisation", err);
    if (!s)
        return SP_EINVAL;
    int partner = sp_lookup_id(err, &pool->partner_ids, "staff", staff_id, "authorised", "partner",
                               partner_id);
    if (partner < 0)
        return SP_EINVAL;
    if (s->n_authorised && sp_staff_authorised(s, partner)) {
        sp_ok(err);
        return SP_OK; /* listing a partner twice changes nothing */
    }
    int rc =
        sp_grow(&s->authorised, &s->cap_authorised, s->n_authorised + 1, sizeof *s->authorised);
    if (rc)
        return sp_fail(err, rc, "out of memory adding an authorisation");
    s->authorised[s->n_authorised++] = partner;
    sp_ok(err);
    return SP_OK;
}

int sp_pool_set_availability(sp_pool *pool, const char *staff_id, int period, double hours,
                             sp_error *err)
{
    sp_staff *s = find_staff(pool, staff_id, "availability", err);
    if (!s)
        return SP_EINVAL;
    if (period < 0 || period >= pool->periods)
        return sp_fail_field(err, "availability", staff_id, "period", "must be 0..%d (got %d)",
                             pool->periods - 1, period);
    int rc = sp_check_number(err, "availability", staff_id, "hours", hours, 0.0, s->contracted);
    if (rc)
        return rc;
    s->available[period] = hours;
    sp_ok(err);
    return SP_OK;
}

int sp_pool_add_demand(sp_pool *pool, const char *partner_id, const char *site_id,
                       const char *skill_id, int period, double hours, int min_level, int priority,
                       int local_only, sp_error *err)
{
    char record[48];
    snprintf(record, sizeof record, "#%zu", pool->n_demand);
    const char *kind = "demand";
    int partner =
        sp_lookup_id(err, &pool->partner_ids, kind, record, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    int skill = sp_lookup_id(err, &pool->skill_ids, kind, record, "skill", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    int site = pool->partners[partner].first_site;
    if (site_id && *site_id) {
        site = sp_lookup_id(err, &pool->site_ids, kind, record, "site", "site", site_id);
        if (site < 0)
            return SP_EINVAL;
        if (pool->sites[site].partner != partner)
            return sp_fail_field(err, kind, record, "site",
                                 "site '%.64s' belongs to partner '%.64s', not '%.64s'", site_id,
                                 pool->partners[pool->sites[site].partner].id, partner_id);
    } else if (site < 0) {
        return sp_fail_field(err, kind, record, "site", "partner '%.64s' has no site", partner_id);
    }
    if (period < 0 || period >= pool->periods)
        return sp_fail_field(err, kind, record, "period", "must be 0..%d (got %d)",
                             pool->periods - 1, period);
    int rc = sp_check_number(err, kind, record, "hours", hours, 0.0, SP_MAX_HOURS);
    if (rc)
        return rc;
    if (min_level < 1 || min_level > SP_MAX_LEVEL)
        return sp_fail_field(err, kind, record, "min_level", "must be 1..%d (got %d)", SP_MAX_LEVEL,
                             min_level);
    if (priority < 0 || priority >= SP_PRIORITY_COUNT)
        return sp_fail_field(err, kind, record, "priority", "unknown priority %d", priority);
    if ((rc = GROW(pool, demand, n_demand, cap_demand)))
        return sp_fail(err, rc, "out of memory adding demand");
    pool->demand[pool->n_demand++] =
        (sp_demand){partner, site, skill, period, hours, min_level, priority, local_only != 0};
    sp_ok(err);
    return SP_OK;
}

int sp_pool_set_resilience(sp_pool *pool, const char *partner_id, const char *skill_id,
                           int min_people, double max_share, sp_error *err)
{
    const char *kind = "resilience";
    int partner =
        sp_lookup_id(err, &pool->partner_ids, kind, partner_id, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    char record[300];
    snprintf(record, sizeof record, "%s/%s", partner_id, skill_id ? skill_id : "");
    int skill = sp_lookup_id(err, &pool->skill_ids, kind, record, "skill", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    if (min_people < 0 || min_people > 100000)
        return sp_fail_field(err, kind, record, "min_people", "must be 0..100000 (got %d)",
                             min_people);
    int rc = sp_check_number(err, kind, record, "max_share", max_share, 1e-6, 1.0);
    if (rc)
        return rc;
    if ((rc = GROW(pool, rules, n_rules, cap_rules)))
        return sp_fail(err, rc, "out of memory adding a resilience rule");
    /* The key joins two ids with a byte that cannot be ambiguous for distinct pairs. */
    char key[2 * SP_MAX_ID_LEN + 2];
    snprintf(key, sizeof key, "%d\x1f%d", partner, skill);
    rc = sp_idmap_put(&pool->rule_keys, key, (int)pool->n_rules);
    if (rc == SP_EINVAL)
        return sp_fail_field(err, kind, record, "skill",
                             "a rule for this partner and skill already exists");
    if (rc)
        return sp_fail(err, rc, "out of memory adding a resilience rule");
    pool->rules[pool->n_rules++] = (sp_rule){partner, skill, min_people, max_share};
    sp_ok(err);
    return SP_OK;
}

int sp_staff_level(const sp_staff *s, int skill)
{
    for (size_t i = 0; i < s->n_skills; i++)
        if (s->skills[i].skill == skill)
            return s->skills[i].level;
    return 0;
}

int sp_staff_authorised(const sp_staff *s, int partner)
{
    if (!s->n_authorised)
        return 1;
    for (size_t i = 0; i < s->n_authorised; i++)
        if (s->authorised[i] == partner)
            return 1;
    return 0;
}
