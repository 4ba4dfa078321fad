/* Redeployment: the problem (built record by record and validated as it is built, like a pool) and
 * the model builder that turns it into the matching MIP of docs/redeployment.md through the solver
 * layer's interface (never GLPK directly). Reading the plan back is in redeploy_results.c. */
#include "redeploy.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- defaults ---- */

void sp_redeploy_rules_init(sp_redeploy_rules *rules)
{
    *rules = (sp_redeploy_rules){.grades_down = SP_RD_MAX_GRADE,
                                 .grades_up = 0,
                                 .period_weeks = 4.0,
                                 .training_limit_weeks = 26.0,
                                 .trial_weeks = 4.0,
                                 .protection_periods = 13,
                                 .redundancy_cost = 0.0,
                                 .relocation_cost = 8000.0,
                                 .travel_speed_kmh = 40.0,
                                 .excess_travel_cost = 0.0,
                                 .excess_travel_periods = 13,
                                 .waiting_cost_share = 0.0};
}

void sp_redeploy_person_init(sp_redeploy_person *person)
{
    *person = (sp_redeploy_person){0};
    person->home_lat = person->home_lon = NAN;
    person->max_travel_minutes = -1.0;
    person->redundancy_cost = -1.0;
}

void sp_redeploy_vacancy_init(sp_redeploy_vacancy *vacancy)
{
    *vacancy = (sp_redeploy_vacancy){0};
    vacancy->min_level = 1;
    vacancy->grade = 1;
    vacancy->kind = SP_VACANCY_OPEN;
}

void sp_redeploy_leaving_init(sp_redeploy_leaving *leaving)
{
    *leaving = (sp_redeploy_leaving){0};
    leaving->min_level = 1;
    leaving->grade = 1;
}

/* ---- the handle ---- */

int sp_redeploy_new(sp_redeploy **out, int periods, sp_error *err)
{
    *out = NULL;
    if (periods < 1 || periods > SP_MAX_PERIODS)
        return sp_fail_field(err, "redeployment", NULL, "periods", "must be 1..%d (got %d)",
                             SP_MAX_PERIODS, periods);
    sp_redeploy *rd = calloc(1, sizeof *rd);
    if (!rd)
        return sp_fail(err, SP_ENOMEM, "out of memory creating a redeployment");
    rd->periods = periods;
    sp_redeploy_rules_init(&rd->rules);
    *out = rd;
    sp_ok(err);
    return SP_OK;
}

void sp_redeploy_free(sp_redeploy *rd)
{
    if (!rd)
        return;
    for (size_t i = 0; i < rd->n_partners; i++)
        free(rd->partners[i]);
    for (size_t i = 0; i < rd->n_sites; i++)
        free(rd->sites[i].id);
    for (size_t i = 0; i < rd->n_skills; i++)
        free(rd->skills[i]);
    for (size_t i = 0; i < rd->n_people; i++) {
        rd_person *p = &rd->people[i];
        free(p->id), free(p->post), free(p->skills), free(p->prefs);
    }
    for (size_t i = 0; i < rd->n_vacancies; i++)
        free(rd->vacancies[i].id);
    for (size_t i = 0; i < rd->n_leaving; i++)
        free(rd->leaving[i].id);
    free(rd->partners), free(rd->partner_first_site), free(rd->sites), free(rd->travel);
    free(rd->skills), free(rd->people), free(rd->vacancies), free(rd->leaving), free(rd->routes);
    sp_idmap_free(&rd->partner_ids);
    sp_idmap_free(&rd->site_ids);
    sp_idmap_free(&rd->skill_ids);
    sp_idmap_free(&rd->person_ids);
    sp_idmap_free(&rd->vacancy_ids);
    sp_idmap_free(&rd->leaving_ids);
    free(rd);
}

size_t sp_redeploy_person_count(const sp_redeploy *rd)
{
    return rd->n_people;
}
size_t sp_redeploy_vacancy_count(const sp_redeploy *rd)
{
    return rd->n_vacancies;
}

/* ---- value checks, each naming the record and field ---- */

/* A site given or the partner's first one; -1 with err filled. */
static int site_or_first(sp_error *err, const sp_redeploy *rd, const char *kind, const char *id,
                         const char *site_id, int partner)
{
    if (site_id)
        return sp_lookup_id(err, &rd->site_ids, kind, id, "site", "site", site_id);
    int site = rd->partner_first_site[partner];
    if (site < 0)
        sp_fail_field(err, kind, id, "site", "not given and partner '%.128s' has no site",
                      rd->partners[partner]);
    return site;
}

static int level_of(const sp_staff_skill *skills, size_t n, int skill)
{
    for (size_t i = 0; i < n; i++)
        if (skills[i].skill == skill)
            return skills[i].level;
    return 0;
}

/* ---- rules ---- */

int sp_redeploy_set_rules(sp_redeploy *rd, const sp_redeploy_rules *r, sp_error *err)
{
    const char *k = "rules";
    int rc = sp_check_int(err, k, NULL, "grades_down", r->grades_down, 0, SP_RD_MAX_GRADE);
    if (!rc)
        rc = sp_check_int(err, k, NULL, "grades_up", r->grades_up, 0, SP_RD_MAX_GRADE);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "period_weeks", r->period_weeks, 0.01, SP_RD_MAX_WEEKS);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "training_limit_weeks", r->training_limit_weeks, 0.0,
                             SP_RD_MAX_WEEKS);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "trial_weeks", r->trial_weeks, 0.0, SP_RD_MAX_WEEKS);
    if (!rc)
        rc = sp_check_int(err, k, NULL, "protection_periods", r->protection_periods, 0,
                          SP_MAX_PERIODS);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "redundancy_cost", r->redundancy_cost, 0.0,
                             SP_RD_MAX_MONEY);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "relocation_cost", r->relocation_cost, 0.0,
                             SP_RD_MAX_MONEY);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "travel_speed_kmh", r->travel_speed_kmh, 0.1, 1000.0);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "excess_travel_cost", r->excess_travel_cost, 0.0, 1e6);
    if (!rc)
        rc = sp_check_int(err, k, NULL, "excess_travel_periods", r->excess_travel_periods, 0,
                          SP_MAX_PERIODS);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "waiting_cost_share", r->waiting_cost_share, 0.0, 1.0);
    if (!rc) {
        rd->rules = *r;
        sp_ok(err);
    }
    return rc;
}

void sp_redeploy_get_rules(sp_redeploy_rules *out, const sp_redeploy *rd)
{
    *out = rd->rules;
}

/* ---- records ---- */

int sp_redeploy_add_partner(sp_redeploy *rd, const char *id, sp_error *err)
{
    int rc = sp_check_id(err, "partner", id);
    if (rc)
        return rc;
    if (sp_grow(&rd->partners, &rd->cap_partners, rd->n_partners + 1, sizeof *rd->partners) ||
        sp_grow(&rd->partner_first_site, &rd->cap_first_site, rd->n_partners + 1, sizeof(int)))
        return sp_fail(err, SP_ENOMEM, "out of memory adding partner");
    char *copy = sp_strdup(id);
    if (!copy)
        return sp_fail(err, SP_ENOMEM, "out of memory adding partner");
    if ((rc = sp_register_id(err, &rd->partner_ids, "partner", id, rd->n_partners))) {
        free(copy);
        return rc;
    }
    rd->partner_first_site[rd->n_partners] = -1;
    rd->partners[rd->n_partners++] = copy;
    sp_ok(err);
    return SP_OK;
}

int sp_redeploy_add_site(sp_redeploy *rd, const char *id, const char *partner_id, double lat,
                         double lon, sp_error *err)
{
    int rc = sp_check_id(err, "site", id);
    if (!rc)
        rc = sp_check_number(err, "site", id, "lat", lat, -90.0, 90.0);
    if (!rc)
        rc = sp_check_number(err, "site", id, "lon", lon, -180.0, 180.0);
    if (rc)
        return rc;
    int partner = sp_lookup_id(err, &rd->partner_ids, "site", id, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    if (sp_grow(&rd->sites, &rd->cap_sites, rd->n_sites + 1, sizeof *rd->sites))
        return sp_fail(err, SP_ENOMEM, "out of memory adding site");
    char *copy = sp_strdup(id);
    if (!copy)
        return sp_fail(err, SP_ENOMEM, "out of memory adding site");
    if ((rc = sp_register_id(err, &rd->site_ids, "site", id, rd->n_sites))) {
        free(copy);
        return rc;
    }
    if (rd->partner_first_site[partner] < 0)
        rd->partner_first_site[partner] = (int)rd->n_sites;
    rd->sites[rd->n_sites++] = (rd_site){copy, partner, lat, lon};
    sp_ok(err);
    return SP_OK;
}

int sp_redeploy_set_travel_minutes(sp_redeploy *rd, const char *from_site, const char *to_site,
                                   double minutes, sp_error *err)
{
    return sp_travel_set(&rd->travel, &rd->n_travel, &rd->cap_travel, &rd->site_ids, from_site,
                         to_site, minutes, err);
}

int sp_redeploy_add_skill(sp_redeploy *rd, const char *id, sp_error *err)
{
    int rc = sp_check_id(err, "skill", id);
    if (rc)
        return rc;
    if (sp_grow(&rd->skills, &rd->cap_skills, rd->n_skills + 1, sizeof *rd->skills))
        return sp_fail(err, SP_ENOMEM, "out of memory adding skill");
    char *copy = sp_strdup(id);
    if (!copy)
        return sp_fail(err, SP_ENOMEM, "out of memory adding skill");
    if ((rc = sp_register_id(err, &rd->skill_ids, "skill", id, rd->n_skills))) {
        free(copy);
        return rc;
    }
    rd->skills[rd->n_skills++] = copy;
    sp_ok(err);
    return SP_OK;
}

static int check_person(sp_error *err, const sp_redeploy *rd, const sp_redeploy_person *p,
                        rd_person *out)
{
    const char *k = "person", *id = p->id;
    int rc = sp_check_id(err, k, id);
    if (rc)
        return rc;
    if (p->post_id && strlen(p->post_id) > SP_MAX_ID_LEN)
        return sp_fail_field(err, k, id, "post", "longer than %d bytes", SP_MAX_ID_LEN);
    if ((out->partner =
             sp_lookup_id(err, &rd->partner_ids, k, id, "partner", "partner", p->partner_id)) < 0)
        return SP_EINVAL;
    if ((out->site = sp_lookup_id(err, &rd->site_ids, k, id, "site", "site", p->site_id)) < 0)
        return SP_EINVAL;
    out->home_site = -1;
    out->home_lat = p->home_lat;
    out->home_lon = p->home_lon;
    if (p->home_site_id) {
        if ((out->home_site =
                 sp_lookup_id(err, &rd->site_ids, k, id, "home_site", "site", p->home_site_id)) < 0)
            return SP_EINVAL;
        if (!isnan(p->home_lat) || !isnan(p->home_lon))
            return sp_fail_field(err, k, id, "home_site",
                                 "give a home site or home_lat/home_lon, not both");
    } else if (isnan(p->home_lat) && isnan(p->home_lon)) {
        out->home_site = out->site; /* no home given: travel is measured from the current post */
    } else {
        if ((rc = sp_check_number(err, k, id, "home_lat", p->home_lat, -90.0, 90.0)) ||
            (rc = sp_check_number(err, k, id, "home_lon", p->home_lon, -180.0, 180.0)))
            return rc;
    }
    if ((rc = sp_check_int(err, k, id, "grade", p->grade, 1, SP_RD_MAX_GRADE)) ||
        (rc = sp_check_number(err, k, id, "pay", p->pay, 0.0, SP_RD_MAX_MONEY)) ||
        (rc = sp_check_number(err, k, id, "hours", p->hours, 0.01, 168.0)))
        return rc;
    if (isnan(p->max_travel_minutes))
        return sp_fail_field(err, k, id, "max_travel_minutes", "must not be NaN");
    if (p->max_travel_minutes > 100000.0 && !isinf(p->max_travel_minutes))
        return sp_fail_field(err, k, id, "max_travel_minutes",
                             "must be at most 100000 or unlimited (got %g)", p->max_travel_minutes);
    if (p->relocate != 0 && p->relocate != 1)
        return sp_fail_field(err, k, id, "relocate", "must be 0 or 1 (got %d)", p->relocate);
    if ((rc = sp_check_int(err, k, id, "post_ends", p->post_ends, 0, rd->periods - 1)))
        return rc;
    if (isnan(p->redundancy_cost) ||
        (p->redundancy_cost >= 0 &&
         (rc = sp_check_number(err, k, id, "redundancy_cost", p->redundancy_cost, 0.0,
                               SP_RD_MAX_MONEY))))
        return rc ? rc : sp_fail_field(err, k, id, "redundancy_cost", "must not be NaN");
    if (isinf(p->redundancy_cost))
        return sp_fail_field(err, k, id, "redundancy_cost", "must be a finite number (got %g)",
                             p->redundancy_cost);
    out->grade = p->grade;
    out->pay = p->pay;
    out->hours = p->hours;
    out->max_travel =
        p->max_travel_minutes < 0 || isinf(p->max_travel_minutes) ? -1.0 : p->max_travel_minutes;
    out->relocate = p->relocate;
    out->post_ends = p->post_ends;
    out->redundancy_cost = p->redundancy_cost < 0 ? -1.0 : p->redundancy_cost;
    return SP_OK;
}

int sp_redeploy_add_person(sp_redeploy *rd, const sp_redeploy_person *person, sp_error *err)
{
    rd_person p = {0};
    int rc = check_person(err, rd, person, &p);
    if (rc)
        return rc;
    if (sp_grow(&rd->people, &rd->cap_people, rd->n_people + 1, sizeof *rd->people))
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    p.id = sp_strdup(person->id);
    p.post = person->post_id ? sp_strdup(person->post_id) : NULL;
    if (!p.id || (person->post_id && !p.post)) {
        free(p.id), free(p.post);
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    }
    if ((rc = sp_register_id(err, &rd->person_ids, "person", person->id, rd->n_people))) {
        free(p.id), free(p.post);
        return rc;
    }
    rd->people[rd->n_people++] = p;
    sp_ok(err);
    return SP_OK;
}

static rd_person *find_person(sp_redeploy *rd, const char *person_id, const char *kind,
                              sp_error *err)
{
    int index = sp_lookup_id(err, &rd->person_ids, kind, person_id, "person", "person", person_id);
    return index < 0 ? NULL : &rd->people[index];
}

int sp_redeploy_add_person_skill(sp_redeploy *rd, const char *person_id, const char *skill_id,
                                 int level, sp_error *err)
{
    rd_person *p = find_person(rd, person_id, "person skill", err);
    if (!p)
        return SP_EINVAL;
    int skill = sp_lookup_id(err, &rd->skill_ids, "person", person_id, "skills", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    if (level < 1 || level > SP_MAX_LEVEL)
        return sp_fail_field(err, "person", person_id, "skills",
                             "level of '%.64s' must be 1..%d (got %d)", skill_id, SP_MAX_LEVEL,
                             level);
    if (level_of(p->skills, p->n_skills, skill) > 0)
        return sp_fail_field(err, "person", person_id, "skills", "skill '%.64s' given twice",
                             skill_id);
    if (sp_grow(&p->skills, &p->cap_skills, p->n_skills + 1, sizeof *p->skills))
        return sp_fail(err, SP_ENOMEM, "out of memory adding a skill");
    p->skills[p->n_skills++] = (sp_staff_skill){skill, level};
    sp_ok(err);
    return SP_OK;
}

int sp_redeploy_add_preference(sp_redeploy *rd, const char *person_id, const char *partner_id,
                               sp_error *err)
{
    rd_person *p = find_person(rd, person_id, "preference", err);
    if (!p)
        return SP_EINVAL;
    int partner = sp_lookup_id(err, &rd->partner_ids, "person", person_id, "preferences", "partner",
                               partner_id);
    if (partner < 0)
        return SP_EINVAL;
    for (size_t i = 0; i < p->n_prefs; i++)
        if (p->prefs[i] == partner)
            return sp_fail_field(err, "person", person_id, "preferences",
                                 "partner '%.64s' listed twice", partner_id);
    if (sp_grow(&p->prefs, &p->cap_prefs, p->n_prefs + 1, sizeof *p->prefs))
        return sp_fail(err, SP_ENOMEM, "out of memory adding a preference");
    p->prefs[p->n_prefs++] = partner;
    sp_ok(err);
    return SP_OK;
}

/* The fields vacancies and leaving rates share. */
static int check_post(sp_error *err, const sp_redeploy *rd, const char *k, const char *id,
                      const char *partner_id, const char *site_id, const char *skill_id,
                      int min_level, int grade, double pay, double hours, rd_vacancy *out)
{
    int rc;
    if ((out->partner =
             sp_lookup_id(err, &rd->partner_ids, k, id, "partner", "partner", partner_id)) < 0)
        return SP_EINVAL;
    if ((out->site = site_or_first(err, rd, k, id, site_id, out->partner)) < 0)
        return SP_EINVAL;
    if ((out->skill = sp_lookup_id(err, &rd->skill_ids, k, id, "skill", "skill", skill_id)) < 0)
        return SP_EINVAL;
    if ((rc = sp_check_int(err, k, id, "min_level", min_level, 1, SP_MAX_LEVEL)) ||
        (rc = sp_check_int(err, k, id, "grade", grade, 1, SP_RD_MAX_GRADE)) ||
        (rc = sp_check_number(err, k, id, "pay", pay, 0.0, SP_RD_MAX_MONEY)) ||
        (rc = sp_check_number(err, k, id, "hours", hours, 0.01, 168.0)))
        return rc;
    out->min_level = min_level;
    out->grade = grade;
    out->pay = pay;
    out->hours = hours;
    return SP_OK;
}

int sp_redeploy_add_vacancy(sp_redeploy *rd, const sp_redeploy_vacancy *v, sp_error *err)
{
    const char *k = "vacancy";
    int rc = sp_check_id(err, k, v->id);
    if (rc)
        return rc;
    rd_vacancy out = {0};
    if ((rc = check_post(err, rd, k, v->id, v->partner_id, v->site_id, v->skill_id, v->min_level,
                         v->grade, v->pay, v->hours, &out)))
        return rc;
    if ((rc = sp_check_int(err, k, v->id, "start", v->start, 0, rd->periods - 1)))
        return rc;
    if (v->kind != SP_VACANCY_OPEN && v->kind != SP_VACANCY_WASTAGE)
        return sp_fail_field(err, k, v->id, "kind",
                             "must be open (0) or natural wastage (1); expected vacancies come "
                             "from leaving rates (got %d)",
                             v->kind);
    out.start = v->start;
    out.kind = v->kind;
    if (sp_grow(&rd->vacancies, &rd->cap_vacancies, rd->n_vacancies + 1, sizeof *rd->vacancies))
        return sp_fail(err, SP_ENOMEM, "out of memory adding vacancy");
    if (!(out.id = sp_strdup(v->id)))
        return sp_fail(err, SP_ENOMEM, "out of memory adding vacancy");
    if ((rc = sp_register_id(err, &rd->vacancy_ids, k, v->id, rd->n_vacancies))) {
        free(out.id);
        return rc;
    }
    rd->vacancies[rd->n_vacancies++] = out;
    sp_ok(err);
    return SP_OK;
}

int sp_redeploy_add_leaving(sp_redeploy *rd, const sp_redeploy_leaving *l, sp_error *err)
{
    const char *k = "leaving_rate";
    int rc = sp_check_id(err, k, l->id);
    if (rc)
        return rc;
    rd_vacancy post = {0};
    if ((rc = check_post(err, rd, k, l->id, l->partner_id, l->site_id, l->skill_id, l->min_level,
                         l->grade, l->pay, l->hours, &post)) ||
        (rc = sp_check_number(err, k, l->id, "headcount", l->headcount, 0.0, 100000.0)))
        return rc;
    if (!isfinite(l->annual_rate) || l->annual_rate < 0.0 || l->annual_rate >= 1.0)
        return sp_fail_field(err, k, l->id, "annual_rate",
                             "must be at least 0 and below 1 (got %g)", l->annual_rate);
    if (sp_grow(&rd->leaving, &rd->cap_leaving, rd->n_leaving + 1, sizeof *rd->leaving))
        return sp_fail(err, SP_ENOMEM, "out of memory adding leaving rate");
    rd_leaving out = {NULL,       post.partner, post.site,  post.skill,   post.min_level,
                      post.grade, post.pay,     post.hours, l->headcount, l->annual_rate};
    if (!(out.id = sp_strdup(l->id)))
        return sp_fail(err, SP_ENOMEM, "out of memory adding leaving rate");
    if ((rc = sp_register_id(err, &rd->leaving_ids, k, l->id, rd->n_leaving))) {
        free(out.id);
        return rc;
    }
    rd->leaving[rd->n_leaving++] = out;
    sp_ok(err);
    return SP_OK;
}

int sp_redeploy_add_route(sp_redeploy *rd, const char *from_skill, int from_level,
                          const char *to_skill, int to_level, double weeks, double cost,
                          sp_error *err)
{
    char label[48];
    snprintf(label, sizeof label, "#%zu", rd->n_routes);
    const char *k = "route";
    int from = sp_lookup_id(err, &rd->skill_ids, k, label, "from_skill", "skill", from_skill);
    if (from < 0)
        return SP_EINVAL;
    int to = sp_lookup_id(err, &rd->skill_ids, k, label, "to_skill", "skill", to_skill);
    if (to < 0)
        return SP_EINVAL;
    int rc;
    if ((rc = sp_check_int(err, k, label, "from_level", from_level, 1, SP_MAX_LEVEL)) ||
        (rc = sp_check_int(err, k, label, "to_level", to_level, 1, SP_MAX_LEVEL)) ||
        (rc = sp_check_number(err, k, label, "weeks", weeks, 0.0, SP_RD_MAX_WEEKS)) ||
        (rc = sp_check_number(err, k, label, "cost", cost, 0.0, SP_RD_MAX_MONEY)))
        return rc;
    if (from == to && to_level <= from_level)
        return sp_fail_field(err, k, label, "to_level",
                             "a route within one skill must raise the level (%d -> %d)", from_level,
                             to_level);
    if (sp_grow(&rd->routes, &rd->cap_routes, rd->n_routes + 1, sizeof *rd->routes))
        return sp_fail(err, SP_ENOMEM, "out of memory adding route");
    rd->routes[rd->n_routes++] = (rd_route){from, from_level, to, to_level, weeks, cost};
    sp_ok(err);
    return SP_OK;
}

/* ---- the model ---- */

static double *travel_matrix(const sp_redeploy *rd)
{
    size_t n = rd->n_sites;
    double *minutes = malloc((n ? n * n : 1) * sizeof *minutes);
    if (!minutes)
        return NULL;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++)
            minutes[a * n + b] = a == b ? 0.0
                                        : sp_haversine_km(rd->sites[a].lat, rd->sites[a].lon,
                                                          rd->sites[b].lat, rd->sites[b].lon) /
                                              rd->rules.travel_speed_kmh * 60.0;
    for (size_t i = 0; i < rd->n_travel; i++)
        minutes[(size_t)rd->travel[i].from * n + (size_t)rd->travel[i].to] = rd->travel[i].minutes;
    return minutes;
}

double sp_rd_home_minutes(const rd_model *m, const rd_person *p, int site)
{
    const sp_redeploy *rd = m->rd;
    if (p->home_site >= 0)
        return m->travel[(size_t)p->home_site * rd->n_sites + (size_t)site];
    const rd_site *s = &rd->sites[site];
    return sp_haversine_km(p->home_lat, p->home_lon, s->lat, s->lon) / rd->rules.travel_speed_kmh *
           60.0;
}

double sp_rd_redundancy_cost(const sp_redeploy *rd, const rd_person *p)
{
    return p->redundancy_cost >= 0 ? p->redundancy_cost : rd->rules.redundancy_cost;
}

static int pref_rank(const rd_person *p, int partner)
{
    for (size_t i = 0; i < p->n_prefs; i++)
        if (p->prefs[i] == partner)
            return (int)i;
    return (int)p->n_prefs;
}

int sp_rd_check(const rd_model *m, int s, int v, rd_pair *pair)
{
    const sp_redeploy *rd = m->rd;
    const sp_redeploy_rules *rules = &rd->rules;
    const rd_person *p = &rd->people[s];
    const rd_vacancy *vac = &m->vacancies[v];
    int diff = vac->grade - p->grade;
    if (diff > rules->grades_up || -diff > rules->grades_down)
        return SP_RREASON_GRADE;
    double minutes = sp_rd_home_minutes(m, p, vac->site);
    int relocate = 0;
    if (p->max_travel >= 0 && minutes > p->max_travel) {
        if (!p->relocate)
            return SP_RREASON_TRAVEL;
        relocate = 1;
    }
    int route = -1;
    if (level_of(p->skills, p->n_skills, vac->skill) < vac->min_level) {
        int any = 0, within_limit = 0;
        double deadline = vac->start * rules->period_weeks + rules->trial_weeks + 1e-9;
        for (size_t i = 0; i < rd->n_routes; i++) {
            const rd_route *r = &rd->routes[i];
            if (r->to_skill != vac->skill || r->to_level < vac->min_level ||
                level_of(p->skills, p->n_skills, r->from_skill) < r->from_level)
                continue;
            any = 1;
            if (r->weeks > rules->training_limit_weeks + 1e-9)
                continue;
            within_limit = 1;
            if (r->weeks > deadline)
                continue;
            const rd_route *best = route < 0 ? NULL : &rd->routes[route];
            if (!best || r->cost < best->cost || (r->cost == best->cost && r->weeks < best->weeks))
                route = (int)i;
        }
        if (!any)
            return SP_RREASON_NO_ROUTE;
        if (!within_limit)
            return SP_RREASON_TRAINING_LIMIT;
        if (route < 0)
            return SP_RREASON_TRAINING_TIME;
    }
    if (!pair)
        return SP_RREASON_NONE;
    double current = sp_rd_home_minutes(m, p, p->site);
    *pair = (rd_pair){.person = s,
                      .vacancy = v,
                      .route = route,
                      .relocate = relocate,
                      .start = vac->start,
                      .travel_minutes = minutes};
    pair->waiting = vac->start > p->post_ends ? vac->start - p->post_ends : 0;
    pair->training_cost = route >= 0 ? rd->routes[route].cost : 0.0;
    pair->protection_cost =
        fmax(0.0, p->pay * vac->hours / p->hours - vac->pay) * rules->protection_periods;
    pair->travel_cost = relocate ? 0.0
                                 : fmax(0.0, minutes - current) * rules->excess_travel_cost *
                                       rules->excess_travel_periods;
    pair->relocation_cost = relocate ? rules->relocation_cost : 0.0;
    pair->waiting_cost = pair->waiting * p->pay * rules->waiting_cost_share;
    pair->cost = pair->training_cost + pair->protection_cost + pair->travel_cost +
                 pair->relocation_cost + pair->waiting_cost;
    pair->misfit = (diff < 0 ? -diff : 0) + fabs(vac->hours - p->hours) / p->hours +
                   pref_rank(p, vac->partner);
    return SP_RREASON_NONE;
}

/* Expected vacancies of one leaving rate (docs/redeployment.md "Expected vacancies"): with the
 * per-period rate q = 1 - (1 - a)^(period_weeks / 52), expected leavers by the end of period t are
 * L(t) = n (1 - (1 - q)^(t + 1)); the j-th expected vacancy starts in the period after L first
 * reaches j, if that period is within the horizon. */
static int add_expected(rd_model *m, size_t index)
{
    const sp_redeploy *rd = m->rd;
    const rd_leaving *l = &rd->leaving[index];
    double q = 1.0 - pow(1.0 - l->annual_rate, rd->rules.period_weeks / 52.0);
    int j = 1;
    for (int t = 0; t + 1 < rd->periods; t++) {
        double leavers = l->headcount * (1.0 - pow(1.0 - q, t + 1));
        while (leavers >= j - 1e-9) {
            char id[SP_MAX_ID_LEN + 24];
            snprintf(id, sizeof id, "%s#%d", l->id, j);
            if (sp_grow(&m->vacancies, &m->cap_vacancies, m->n_vacancies + 1,
                        sizeof *m->vacancies) ||
                sp_grow(&m->exp_ids, &m->cap_exp_ids, m->n_exp_ids + 1, sizeof *m->exp_ids))
                return SP_ENOMEM;
            char *copy = sp_strdup(id);
            if (!copy)
                return SP_ENOMEM;
            m->exp_ids[m->n_exp_ids++] = copy;
            m->vacancies[m->n_vacancies++] =
                (rd_vacancy){copy,     l->partner, l->site,  l->skill, l->min_level,
                             l->grade, l->pay,     l->hours, t + 1,    SP_VACANCY_EXPECTED};
            j++;
        }
    }
    return SP_OK;
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_rc_ = (expr);                                                                      \
        if (try_rc_ < 0)                                                                           \
            return try_rc_;                                                                        \
    } while (0)

static int find_pairs(rd_model *m)
{
    const sp_redeploy *rd = m->rd;
    m->person_first = malloc((rd->n_people + 1) * sizeof *m->person_first);
    m->vacancy_candidates =
        calloc(m->n_vacancies ? m->n_vacancies : 1, sizeof *m->vacancy_candidates);
    if (!m->person_first || !m->vacancy_candidates)
        return SP_ENOMEM;
    for (size_t s = 0; s < rd->n_people; s++) {
        m->person_first[s] = m->n_pairs;
        for (size_t v = 0; v < m->n_vacancies; v++) {
            rd_pair pair;
            if (sp_rd_check(m, (int)s, (int)v, &pair) != SP_RREASON_NONE)
                continue;
            if (sp_grow(&m->pairs, &m->cap_pairs, m->n_pairs + 1, sizeof *m->pairs))
                return SP_ENOMEM;
            m->pairs[m->n_pairs++] = pair;
            m->vacancy_candidates[v]++;
        }
    }
    m->person_first[rd->n_people] = m->n_pairs;
    return SP_OK;
}

/* x_j (binary) are columns 0..n_pairs-1; r_s (redundant) is column n_pairs + s. */
static int add_columns_and_rows(rd_model *m)
{
    const sp_redeploy *rd = m->rd;
    sp_mip *mip = m->mip;
    for (size_t j = 0; j < m->n_pairs; j++) {
        const rd_pair *x = &m->pairs[j];
        int col = sp_mip_add_col(mip, 0, 1, 1);
        if (col < 0)
            return col;
        double net = x->cost - sp_rd_redundancy_cost(rd, &rd->people[x->person]);
        if (net != 0.0)
            TRY(sp_mip_set_obj(mip, SP_RTERM_NET_COST, col, net));
        if (x->relocate)
            TRY(sp_mip_set_obj(mip, SP_RTERM_RELOCATIONS, col, 1.0));
        if (x->misfit != 0.0)
            TRY(sp_mip_set_obj(mip, SP_RTERM_MISFIT, col, x->misfit));
    }
    for (size_t s = 0; s < rd->n_people; s++) {
        int col = sp_mip_add_col(mip, 0.0, 1.0, 0);
        if (col < 0)
            return col;
        TRY(sp_mip_set_obj(mip, SP_RTERM_REDUNDANCIES, col, 1.0));
        int row = sp_mip_add_row(mip, SP_ROW_EQ, 1.0); /* sum_v x_sv + r_s = 1 */
        if (row < 0)
            return row;
        TRY(sp_mip_add_coef(mip, row, col, 1.0));
        for (size_t j = m->person_first[s]; j < m->person_first[s + 1]; j++)
            TRY(sp_mip_add_coef(mip, row, (int)j, 1.0));
    }
    /* sum_s x_sv <= 1, only where two or more people could take the post. */
    int *row_of = malloc((m->n_vacancies ? m->n_vacancies : 1) * sizeof *row_of);
    if (!row_of)
        return SP_ENOMEM;
    int rc = SP_OK;
    for (size_t v = 0; v < m->n_vacancies && !rc; v++) {
        row_of[v] = -1;
        if (m->vacancy_candidates[v] >= 2 && (row_of[v] = sp_mip_add_row(mip, SP_ROW_LE, 1.0)) < 0)
            rc = row_of[v];
    }
    for (size_t j = 0; j < m->n_pairs && !rc; j++)
        if (row_of[m->pairs[j].vacancy] >= 0)
            rc = sp_mip_add_coef(mip, row_of[m->pairs[j].vacancy], (int)j, 1.0);
    free(row_of);
    /* The constraint matrix is a bipartite incidence matrix plus unit columns: totally
     * unimodular, so the LP optimum of the first stage is attained by an integral matching. */
    sp_mip_set_lp_exact(mip, SP_RTERM_REDUNDANCIES);
    return rc;
}

static int build(rd_model *m)
{
    const sp_redeploy *rd = m->rd;
    if (!(m->travel = travel_matrix(rd)))
        return SP_ENOMEM;
    if (sp_grow(&m->vacancies, &m->cap_vacancies, rd->n_vacancies + 1, sizeof *m->vacancies))
        return SP_ENOMEM;
    if (rd->n_vacancies)
        memcpy(m->vacancies, rd->vacancies, rd->n_vacancies * sizeof *m->vacancies);
    m->n_vacancies = m->n_added = rd->n_vacancies;
    for (size_t i = 0; i < rd->n_leaving; i++)
        TRY(add_expected(m, i));
    TRY(find_pairs(m));
    if (!(m->mip = sp_mip_new(SP_RTERM_COUNT)))
        return SP_ENOMEM;
    return add_columns_and_rows(m);
}

static void model_free(rd_model *m)
{
    free(m->travel);
    for (size_t i = 0; i < m->n_exp_ids; i++)
        free(m->exp_ids[i]);
    free(m->exp_ids);
    free(m->vacancies);
    free(m->pairs);
    free(m->person_first);
    free(m->vacancy_candidates);
    sp_mip_free(m->mip);
}

int sp_redeploy_solve(sp_redeploy_result **out, const sp_redeploy *rd, const sp_solve_options *opts,
                      sp_error *err)
{
    double start = sp_now();
    *out = NULL;
    sp_solve_options defaults;
    int bad = sp_take_solve_options(&opts, &defaults, err);
    if (bad)
        return bad;
    rd_model m = {.rd = rd};
    int rc = build(&m);
    if (rc) {
        model_free(&m);
        return sp_fail(err, rc,
                       rc == SP_ERANGE ? "the redeployment is too large to model"
                                       : "out of memory building the model");
    }
    sp_mip_result res = {0};
    sp_redeploy_result *result = calloc(1, sizeof *result);
    if (!result) {
        model_free(&m);
        return sp_fail(err, SP_ENOMEM, "out of memory for the result");
    }
    rc = sp_mip_solve_lex(&res, m.mip, opts, err);
    if (!rc) {
        result->status = res.status;
        result->stop_reason = res.stop_reason;
        result->columns = sp_mip_cols(m.mip);
        result->rows = sp_mip_rows(m.mip);
        result->n_pairs = m.n_pairs;
        for (int t = 0; t < SP_RTERM_COUNT; t++)
            result->terms[t].bound = res.term_bound[t];
        rc = sp_rd_results(result, &m, res.x);
        if (rc)
            sp_fail(err, rc, "out of memory reading the plan");
    }
    sp_mip_result_clear(&res);
    model_free(&m);
    if (rc) {
        sp_redeploy_result_free(result);
        return rc;
    }
    result->seconds = sp_now() - start;
    *out = result;
    sp_ok(err);
    return SP_OK;
}
