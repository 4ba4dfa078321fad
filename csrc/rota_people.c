/* Rota engine, the problem (part 2): people and everything that refers to them or to posts -- days
 * off, requests, cover per (day, post), pins, published assignments and the freeze window. Each
 * record is validated as it is added; errors name the record and field. */
#include "rota.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp_rota_add_person(sp_rota *r, const sp_rota_person *in, sp_error *err)
{
    const char *k = "person";
    int rc = sp_check_id(err, k, in->id);
    const char *id = in->id;
    int big = SP_ROTA_MAX_DAYS * SP_ROTA_MAX_MINUTES;
    if (!rc)
        rc = sp_check_int(err, k, id, "min_minutes", in->min_minutes, 0, big);
    if (!rc && in->max_minutes != -1)
        rc = sp_check_int(err, k, id, "max_minutes", in->max_minutes, in->min_minutes, big);
    if (!rc)
        rc = sp_check_int(err, k, id, "min_consecutive", in->min_consecutive, 1, SP_ROTA_MAX_DAYS);
    if (!rc && in->max_consecutive != -1)
        rc = sp_check_int(err, k, id, "max_consecutive", in->max_consecutive, in->min_consecutive,
                          SP_ROTA_MAX_DAYS);
    if (!rc)
        rc = sp_check_int(err, k, id, "min_days_off", in->min_days_off, 1, SP_ROTA_MAX_DAYS);
    if (!rc && in->max_weekends != -1)
        rc = sp_check_int(err, k, id, "max_weekends", in->max_weekends, 0, SP_ROTA_MAX_DAYS);
    if (!rc && in->max_travel_minutes != -1)
        rc = sp_check_number(err, k, id, "max_travel_minutes", in->max_travel_minutes, 0.0,
                             100000.0);
    if (rc)
        return rc;
    int site = -1, contract = -1;
    if (in->site_id &&
        (site = sp_lookup_id(err, &r->site_ids, k, id, "site", "site", in->site_id)) < 0)
        return SP_EINVAL;
    if (sp_idmap_get(&r->person_ids, id) >= 0)
        return sp_register_id(err, &r->person_ids, k, id, r->n_people); /* names the duplicate */
    if (in->contract_id) {
        if ((rc = sp_check_id(err, k, in->contract_id)))
            return sp_fail_field(err, k, id, "contract", "must be 1..128 bytes");
        contract = sp_idmap_get(&r->contract_ids, in->contract_id);
        if (contract < 0) {
            contract = (int)r->n_contracts;
            if ((rc = sp_rota_add_named(&r->contracts, &r->n_contracts, &r->cap_contracts,
                                        &r->contract_ids, "contract", in->contract_id, err)))
                return rc;
        }
    }
    if ((rc = sp_rota_freeze_shifts(r, err)))
        return rc;
    if (sp_grow(&r->people, &r->cap_people, r->n_people + 1, sizeof *r->people))
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    rt_person p = {.site = site,
                   .contract = contract,
                   .min_minutes = in->min_minutes,
                   .max_minutes = in->max_minutes,
                   .min_consecutive = in->min_consecutive,
                   .max_consecutive = in->max_consecutive,
                   .min_days_off = in->min_days_off,
                   .max_weekends = in->max_weekends,
                   .max_travel = in->max_travel_minutes};
    size_t H = (size_t)r->days;
    p.id = sp_strdup(id);
    p.max_shifts = malloc((r->n_shifts ? r->n_shifts : 1) * sizeof *p.max_shifts);
    p.day_off = calloc(H, 1);
    p.pinned = malloc(H * sizeof *p.pinned);
    p.published = malloc(H * sizeof *p.published);
    if (!p.id || !p.max_shifts || !p.day_off || !p.pinned || !p.published) {
        free(p.id), free(p.max_shifts), free(p.day_off), free(p.pinned), free(p.published);
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    }
    for (size_t t = 0; t < r->n_shifts; t++)
        p.max_shifts[t] = -1;
    for (size_t d = 0; d < H; d++)
        p.pinned[d] = p.published[d] = -1;
    if ((rc = sp_register_id(err, &r->person_ids, k, id, r->n_people))) {
        free(p.id), free(p.max_shifts), free(p.day_off), free(p.pinned), free(p.published);
        return rc;
    }
    r->people[r->n_people++] = p;
    sp_ok(err);
    return SP_OK;
}

static rt_person *person_of(sp_rota *r, const char *kind, const char *person_id, sp_error *err)
{
    int i = sp_lookup_id(err, &r->person_ids, kind, person_id, "person", "person", person_id);
    return i < 0 ? NULL : &r->people[i];
}

int sp_rota_add_person_skill(sp_rota *r, const char *person_id, const char *skill_id, sp_error *err)
{
    rt_person *p = person_of(r, "person skill", person_id, err);
    if (!p)
        return SP_EINVAL;
    int skill = sp_lookup_id(err, &r->skill_ids, "person", person_id, "skill", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    for (size_t i = 0; i < p->n_skills; i++)
        if (p->skills[i] == skill)
            return sp_fail_field(err, "person", person_id, "skill", "skill '%.128s' given twice",
                                 skill_id);
    if (sp_grow(&p->skills, &p->cap_skills, p->n_skills + 1, sizeof *p->skills))
        return sp_fail(err, SP_ENOMEM, "out of memory adding a skill");
    p->skills[p->n_skills++] = skill;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_set_max_shifts(sp_rota *r, const char *person_id, const char *shift_id, int max,
                           sp_error *err)
{
    rt_person *p = person_of(r, "max shifts", person_id, err);
    if (!p)
        return SP_EINVAL;
    int t = sp_lookup_id(err, &r->shift_ids, "person", person_id, "max_shifts", "shift", shift_id);
    if (t < 0)
        return SP_EINVAL;
    int rc = sp_check_int(err, "person", person_id, "max_shifts", max, 0, INT32_MAX - 1);
    if (rc)
        return rc;
    p->max_shifts[t] = max;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_add_day_off(sp_rota *r, const char *person_id, int day, sp_error *err)
{
    rt_person *p = person_of(r, "day off", person_id, err);
    if (!p)
        return SP_EINVAL;
    int rc = sp_check_int(err, "day off", person_id, "day", day, 0, r->days - 1);
    if (rc)
        return rc;
    p->day_off[day] = 1;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_add_request(sp_rota *r, const char *person_id, int day, const char *shift_id, int on,
                        double weight, sp_error *err)
{
    const char *k = on ? "shift-on request" : "shift-off request";
    int person = sp_lookup_id(err, &r->person_ids, k, person_id, "person", "person", person_id);
    if (person < 0)
        return SP_EINVAL;
    int t = sp_lookup_id(err, &r->shift_ids, k, person_id, "shift", "shift", shift_id);
    if (t < 0)
        return SP_EINVAL;
    int rc = sp_check_int(err, k, person_id, "day", day, 0, r->days - 1);
    if (!rc)
        rc = sp_check_int(err, k, person_id, "on", on, 0, 1);
    if (!rc)
        rc = sp_check_number(err, k, person_id, "weight", weight, 0.0, SP_ROTA_MAX_WEIGHT);
    if (!rc)
        rc = sp_rota_freeze_shifts(r, err);
    if (rc)
        return rc;
    if (on)
        for (size_t i = 0; i < r->n_requests; i++) {
            const rt_request *q = &r->requests[i];
            if (q->on && q->person == person && q->day == day)
                return sp_fail_field(err, k, person_id, "day",
                                     "a second shift-on request for day %d", day);
        }
    if (sp_grow(&r->requests, &r->cap_requests, r->n_requests + 1, sizeof *r->requests))
        return sp_fail(err, SP_ENOMEM, "out of memory adding a request");
    r->requests[r->n_requests++] =
        (rt_request){.person = person, .day = day, .shift = t, .on = on, .weight = weight};
    sp_ok(err);
    return SP_OK;
}

/* The post of shift type `shift_id` at (site_id, skill_id), NULL meaning the shift's only site /
 * skill (or none when it lists none); -1 with err filled naming kind/key and the field. */
static int post_of(sp_rota *r, const char *kind, const char *key, const char *shift_id,
                   const char *site_id, const char *skill_id, sp_error *err)
{
    int t = sp_lookup_id(err, &r->shift_ids, kind, key, "shift", "shift", shift_id);
    if (t < 0)
        return -1;
    if (sp_rota_freeze_shifts(r, err))
        return -1;
    const rt_shift *s = &r->shifts[t];
    int site = -1, skill = -1;
    if (site_id) {
        if ((site = sp_lookup_id(err, &r->site_ids, kind, key, "site", "site", site_id)) < 0)
            return -1;
    } else if (s->n_sites > 1) {
        sp_fail_field(err, kind, key, "site", "required: shift '%.128s' serves %zu sites", shift_id,
                      s->n_sites);
        return -1;
    } else if (s->n_sites == 1) {
        site = s->sites[0];
    }
    if (skill_id) {
        if ((skill = sp_lookup_id(err, &r->skill_ids, kind, key, "skill", "skill", skill_id)) < 0)
            return -1;
    } else if (s->n_skills > 1) {
        sp_fail_field(err, kind, key, "skill", "required: shift '%.128s' serves %zu skills",
                      shift_id, s->n_skills);
        return -1;
    } else if (s->n_skills == 1) {
        skill = s->skills[0];
    }
    for (int k = s->first_post; k < s->first_post + s->n_posts; k++)
        if (r->posts[k].site == site && r->posts[k].skill == skill)
            return k;
    if (site_id && (s->n_sites ? 1 : 0)) {
        int served = 0;
        for (size_t i = 0; i < s->n_sites; i++)
            served |= s->sites[i] == site;
        if (!served) {
            sp_fail_field(err, kind, key, "site", "shift '%.128s' does not serve site '%.128s'",
                          shift_id, site_id);
            return -1;
        }
    } else if (site_id) {
        sp_fail_field(err, kind, key, "site", "shift '%.128s' serves no site", shift_id);
        return -1;
    }
    sp_fail_field(err, kind, key, "skill", "shift '%.128s' does not serve skill '%.128s'", shift_id,
                  skill_id ? skill_id : "(none)");
    return -1;
}

int sp_rota_set_post_cover(sp_rota *r, int day, const char *shift_id, const char *site_id,
                           const char *skill_id, int requirement, double under_weight,
                           double over_weight, int hard_min, sp_error *err)
{
    char key[32];
    snprintf(key, sizeof key, "day %d", day);
    int k = post_of(r, "cover", key, shift_id, site_id, skill_id, err);
    if (k < 0)
        return SP_EINVAL;
    int rc = sp_check_int(err, "cover", key, "day", day, 0, r->days - 1);
    if (!rc)
        rc = sp_check_int(err, "cover", key, "requirement", requirement, 0, 1000000);
    if (!rc)
        rc = sp_check_number(err, "cover", key, "under_weight", under_weight, 0.0,
                             SP_ROTA_MAX_WEIGHT);
    if (!rc)
        rc =
            sp_check_number(err, "cover", key, "over_weight", over_weight, 0.0, SP_ROTA_MAX_WEIGHT);
    if (!rc)
        rc = sp_check_int(err, "cover", key, "hard_min", hard_min, 0, requirement);
    if (rc)
        return rc;
    rt_cover *c = &r->cover[(size_t)day * r->n_posts + (size_t)k];
    if (c->set)
        return sp_fail_field(err, "cover", key, "shift", "shift '%.128s' given twice%s", shift_id,
                             r->shifts[r->posts[k].shift].n_posts > 1 ? " for this site and skill"
                                                                      : "");
    *c = (rt_cover){.requirement = requirement,
                    .hard_min = hard_min,
                    .set = 1,
                    .under_weight = under_weight,
                    .over_weight = over_weight};
    sp_ok(err);
    return SP_OK;
}

int sp_rota_set_cover(sp_rota *r, int day, const char *shift_id, int requirement,
                      double under_weight, double over_weight, int hard_min, sp_error *err)
{
    return sp_rota_set_post_cover(r, day, shift_id, NULL, NULL, requirement, under_weight,
                                  over_weight, hard_min, err);
}

/* Records a pin (pins != 0) or a published assignment of (person, day, post). */
static int fix_assignment(sp_rota *r, int pins, const char *person_id, int day,
                          const char *shift_id, const char *site_id, const char *skill_id,
                          sp_error *err)
{
    const char *kind = pins ? "pin" : "published";
    rt_person *p = person_of(r, kind, person_id, err);
    if (!p)
        return SP_EINVAL;
    int rc = sp_check_int(err, kind, person_id, "day", day, 0, r->days - 1);
    if (rc)
        return rc;
    int k = post_of(r, kind, person_id, shift_id, site_id, skill_id, err);
    if (k < 0)
        return SP_EINVAL;
    int *slot = pins ? &p->pinned[day] : &p->published[day];
    if (*slot >= 0)
        return sp_fail_field(err, kind, person_id, "day", "a second %s assignment on day %d", kind,
                             day);
    *slot = k;
    r->n_published += !pins;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_pin(sp_rota *r, const char *person_id, int day, const char *shift_id,
                const char *site_id, const char *skill_id, sp_error *err)
{
    return fix_assignment(r, 1, person_id, day, shift_id, site_id, skill_id, err);
}

int sp_rota_publish(sp_rota *r, const char *person_id, int day, const char *shift_id,
                    const char *site_id, const char *skill_id, sp_error *err)
{
    return fix_assignment(r, 0, person_id, day, shift_id, site_id, skill_id, err);
}

int sp_rota_set_freeze_days(sp_rota *r, int n, sp_error *err)
{
    int rc = sp_check_int(err, "settings", NULL, "freeze_days", n, 0, r->days);
    if (!rc)
        r->freeze_days = n, sp_ok(err);
    return rc;
}
