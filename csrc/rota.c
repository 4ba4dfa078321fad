/* Rota engine: the problem (built record by record and validated as it is built) and the model
 * builder that turns it into the binary x[person, day, shift] MIP of docs/rota.md through the
 * solver layer's interface (never GLPK directly). Reading the roster back is in rota_results.c. */
#include "rota.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the handle ---- */

void sp_rota_person_init(sp_rota_person *person)
{
    *person = (sp_rota_person){0};
    person->max_minutes = -1;
    person->min_consecutive = 1;
    person->max_consecutive = -1;
    person->min_days_off = 1;
    person->max_weekends = -1;
}

int sp_rota_new(sp_rota **out, int days, int first_weekday, sp_error *err)
{
    *out = NULL;
    int rc = sp_check_int(err, "rota", NULL, "days", days, 1, SP_ROTA_MAX_DAYS);
    if (!rc)
        rc = sp_check_int(err, "rota", NULL, "first_weekday", first_weekday, 0, 6);
    if (rc)
        return rc;
    sp_rota *r = calloc(1, sizeof *r);
    if (!r)
        return sp_fail(err, SP_ENOMEM, "out of memory creating a rota");
    r->days = days;
    r->first_weekday = first_weekday;
    *out = r;
    sp_ok(err);
    return SP_OK;
}

void sp_rota_free(sp_rota *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_partners; i++)
        free(r->partners[i]);
    for (size_t i = 0; i < r->n_sites; i++)
        free(r->sites[i]);
    for (size_t i = 0; i < r->n_skills; i++)
        free(r->skills[i]);
    for (size_t i = 0; i < r->n_shifts; i++)
        free(r->shifts[i].id), free(r->shifts[i].forbidden_next);
    for (size_t i = 0; i < r->n_people; i++) {
        rt_person *p = &r->people[i];
        free(p->id), free(p->max_shifts), free(p->skills), free(p->day_off);
    }
    free(r->partners), free(r->sites), free(r->site_partner), free(r->skills), free(r->shifts);
    free(r->people), free(r->requests), free(r->cover);
    sp_idmap_free(&r->partner_ids);
    sp_idmap_free(&r->site_ids);
    sp_idmap_free(&r->skill_ids);
    sp_idmap_free(&r->shift_ids);
    sp_idmap_free(&r->person_ids);
    free(r);
}

int sp_rota_days(const sp_rota *r) { return r->days; }
size_t sp_rota_person_count(const sp_rota *r) { return r->n_people; }
size_t sp_rota_shift_count(const sp_rota *r) { return r->n_shifts; }

/* ---- records ---- */

/* Adds a plain id record (partner, site, skill) to list/map. */
static int add_named(sp_rota *r, char ***list, size_t *n, size_t *cap, sp_idmap *map,
                     const char *kind, const char *id, sp_error *err)
{
    (void)r;
    int rc = sp_check_id(err, kind, id);
    if (rc)
        return rc;
    if (sp_grow(list, cap, *n + 1, sizeof **list))
        return sp_fail(err, SP_ENOMEM, "out of memory adding %s", kind);
    char *copy = sp_strdup(id);
    if (!copy)
        return sp_fail(err, SP_ENOMEM, "out of memory adding %s", kind);
    if ((rc = sp_register_id(err, map, kind, id, *n))) {
        free(copy);
        return rc;
    }
    (*list)[(*n)++] = copy;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_add_partner(sp_rota *r, const char *id, sp_error *err)
{
    return add_named(r, &r->partners, &r->n_partners, &r->cap_partners, &r->partner_ids,
                     "partner", id, err);
}

int sp_rota_add_site(sp_rota *r, const char *id, const char *partner_id, sp_error *err)
{
    int rc = sp_check_id(err, "site", id);
    if (rc)
        return rc;
    int partner = sp_lookup_id(err, &r->partner_ids, "site", id, "partner", "partner", partner_id);
    if (partner < 0)
        return SP_EINVAL;
    if (sp_grow(&r->site_partner, &r->cap_site_partner, r->n_sites + 1, sizeof(int)))
        return sp_fail(err, SP_ENOMEM, "out of memory adding site");
    r->site_partner[r->n_sites] = partner;
    return add_named(r, &r->sites, &r->n_sites, &r->cap_sites, &r->site_ids, "site", id, err);
}

int sp_rota_add_skill(sp_rota *r, const char *id, sp_error *err)
{
    return add_named(r, &r->skills, &r->n_skills, &r->cap_skills, &r->skill_ids, "skill", id,
                     err);
}

int sp_rota_add_shift(sp_rota *r, const char *id, int start_minute, int length_minutes,
                      const char *site_id, const char *skill_id, sp_error *err)
{
    const char *k = "shift";
    int rc = sp_check_id(err, k, id);
    if (!rc)
        rc = sp_check_int(err, k, id, "start_minute", start_minute, -1, SP_ROTA_MAX_MINUTES - 1);
    if (!rc)
        rc = sp_check_int(err, k, id, "length_minutes", length_minutes, 1, SP_ROTA_MAX_MINUTES);
    if (rc)
        return rc;
    if (r->frozen)
        return sp_fail_field(err, k, id, "id",
                             "shift types must be added before people, requests and cover");
    int site = -1, skill = -1;
    if (site_id && (site = sp_lookup_id(err, &r->site_ids, k, id, "site", "site", site_id)) < 0)
        return SP_EINVAL;
    if (skill_id &&
        (skill = sp_lookup_id(err, &r->skill_ids, k, id, "skill", "skill", skill_id)) < 0)
        return SP_EINVAL;
    if (sp_grow(&r->shifts, &r->cap_shifts, r->n_shifts + 1, sizeof *r->shifts))
        return sp_fail(err, SP_ENOMEM, "out of memory adding shift");
    rt_shift s = {.start = start_minute, .length = length_minutes, .site = site, .skill = skill};
    s.id = sp_strdup(id);
    if (!s.id)
        return sp_fail(err, SP_ENOMEM, "out of memory adding shift");
    if ((rc = sp_register_id(err, &r->shift_ids, k, id, r->n_shifts))) {
        free(s.id);
        return rc;
    }
    r->shifts[r->n_shifts++] = s;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_forbid_succession(sp_rota *r, const char *first, const char *next, sp_error *err)
{
    int a = sp_lookup_id(err, &r->shift_ids, "succession", first, "first", "shift", first);
    if (a < 0)
        return SP_EINVAL;
    int b = sp_lookup_id(err, &r->shift_ids, "succession", first, "next", "shift", next);
    if (b < 0)
        return SP_EINVAL;
    rt_shift *s = &r->shifts[a];
    size_t old = s->cap_forbidden;
    if (sp_grow(&s->forbidden_next, &s->cap_forbidden, r->n_shifts, 1))
        return sp_fail(err, SP_ENOMEM, "out of memory adding a succession");
    if (s->cap_forbidden > old)
        memset(s->forbidden_next + old, 0, s->cap_forbidden - old);
    s->forbidden_next[b] = 1;
    sp_ok(err);
    return SP_OK;
}

/* Freezes the shift list: cover and per-person arrays are sized by it from now on. */
static int freeze(sp_rota *r, sp_error *err)
{
    if (r->frozen)
        return SP_OK;
    size_t n = (size_t)r->days * r->n_shifts;
    r->cover = calloc(n ? n : 1, sizeof *r->cover);
    if (!r->cover)
        return sp_fail(err, SP_ENOMEM, "out of memory for cover");
    r->cover_stride = r->n_shifts;
    r->frozen = 1;
    return SP_OK;
}

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
        rc = sp_check_int(err, k, id, "max_consecutive", in->max_consecutive,
                          in->min_consecutive, SP_ROTA_MAX_DAYS);
    if (!rc)
        rc = sp_check_int(err, k, id, "min_days_off", in->min_days_off, 1, SP_ROTA_MAX_DAYS);
    if (!rc && in->max_weekends != -1)
        rc = sp_check_int(err, k, id, "max_weekends", in->max_weekends, 0, SP_ROTA_MAX_DAYS);
    if (rc)
        return rc;
    int site = -1;
    if (in->site_id &&
        (site = sp_lookup_id(err, &r->site_ids, k, id, "site", "site", in->site_id)) < 0)
        return SP_EINVAL;
    if ((rc = freeze(r, err)))
        return rc;
    if (sp_grow(&r->people, &r->cap_people, r->n_people + 1, sizeof *r->people))
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    rt_person p = {.site = site,
                   .min_minutes = in->min_minutes,
                   .max_minutes = in->max_minutes,
                   .min_consecutive = in->min_consecutive,
                   .max_consecutive = in->max_consecutive,
                   .min_days_off = in->min_days_off,
                   .max_weekends = in->max_weekends};
    p.id = sp_strdup(id);
    p.max_shifts = malloc((r->n_shifts ? r->n_shifts : 1) * sizeof *p.max_shifts);
    p.day_off = calloc((size_t)r->days, 1);
    if (!p.id || !p.max_shifts || !p.day_off) {
        free(p.id), free(p.max_shifts), free(p.day_off);
        return sp_fail(err, SP_ENOMEM, "out of memory adding person");
    }
    for (size_t t = 0; t < r->n_shifts; t++)
        p.max_shifts[t] = -1;
    if ((rc = sp_register_id(err, &r->person_ids, k, id, r->n_people))) {
        free(p.id), free(p.max_shifts), free(p.day_off);
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

int sp_rota_add_person_skill(sp_rota *r, const char *person_id, const char *skill_id,
                             sp_error *err)
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

int sp_rota_set_cover(sp_rota *r, int day, const char *shift_id, int requirement,
                      double under_weight, double over_weight, int hard_min, sp_error *err)
{
    char key[32];
    snprintf(key, sizeof key, "day %d", day);
    int t = sp_lookup_id(err, &r->shift_ids, "cover", key, "shift", "shift", shift_id);
    if (t < 0)
        return SP_EINVAL;
    int rc = sp_check_int(err, "cover", key, "day", day, 0, r->days - 1);
    if (!rc)
        rc = sp_check_int(err, "cover", key, "requirement", requirement, 0, 1000000);
    if (!rc)
        rc = sp_check_number(err, "cover", key, "under_weight", under_weight, 0.0,
                             SP_ROTA_MAX_WEIGHT);
    if (!rc)
        rc = sp_check_number(err, "cover", key, "over_weight", over_weight, 0.0,
                             SP_ROTA_MAX_WEIGHT);
    if (!rc)
        rc = sp_check_int(err, "cover", key, "hard_min", hard_min, 0, requirement);
    if (!rc)
        rc = freeze(r, err);
    if (rc)
        return rc;
    rt_cover *c = &r->cover[(size_t)day * r->cover_stride + (size_t)t];
    if (c->set)
        return sp_fail_field(err, "cover", key, "shift", "shift '%.128s' given twice", shift_id);
    *c = (rt_cover){.requirement = requirement,
                    .hard_min = hard_min,
                    .set = 1,
                    .under_weight = under_weight,
                    .over_weight = over_weight};
    sp_ok(err);
    return SP_OK;
}

/* ---- the model ---- */

static int holds_skill(const rt_person *p, int skill)
{
    if (skill < 0)
        return 1;
    for (size_t i = 0; i < p->n_skills; i++)
        if (p->skills[i] == skill)
            return 1;
    return 0;
}

static int forbidden(const rt_shift *a, size_t b)
{
    return a->forbidden_next && b < a->cap_forbidden && a->forbidden_next[b];
}

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if ((expr) < 0)                                                                            \
            return SP_ENOMEM;                                                                      \
    } while (0)

/* Adds coefficient `v` of work(p, d) (the sum of the person's x that day) to row. */
static int add_work(rt_model *m, int row, int p, int d, double v)
{
    const sp_rota *r = m->rota;
    size_t T = r->n_shifts;
    for (size_t t = 0; t < T; t++) {
        int c = m->xcol[((size_t)p * r->days + d) * T + t];
        if (c >= 0 && sp_mip_add_coef(m->mip, row, c, v) < 0)
            return SP_ENOMEM;
    }
    return SP_OK;
}

static int new_row(rt_model *m, int type, double rhs, int block)
{
    int row = sp_mip_add_row(m->mip, type, rhs);
    if (row >= 0)
        sp_mip_set_block(m->mip, row, -1, block);
    return row;
}

static int is_weekend_day(const sp_rota *r, int d) { return (r->first_weekday + d) % 7 >= 5; }

/* Rows of one person's hard rules (block p). */
static int build_person(rt_model *m, int p)
{
    const sp_rota *r = m->rota;
    const rt_person *pe = &r->people[p];
    int H = r->days;
    size_t T = r->n_shifts;
    int *xc = m->xcol + (size_t)p * H * T;
    int row;
    if (m->fixed) { /* a person with no free day keeps a line known to be feasible: no rows */
        int any_free = 0;
        for (int d = 0; d < H && !any_free; d++)
            any_free = m->fixed[(size_t)p * H + d] == -2;
        if (!any_free)
            return SP_OK;
    }
    /* one shift a day */
    if (T > 1)
        for (int d = 0; d < H; d++) {
            int n = 0;
            for (size_t t = 0; t < T; t++)
                n += xc[(size_t)d * T + t] >= 0;
            if (n < 2)
                continue;
            TRY(row = new_row(m, SP_ROW_LE, 1.0, p));
            TRY(add_work(m, row, p, d, 1.0));
        }
    /* forbidden successions: x[d,a] + sum_{b after a forbidden} x[d+1,b] <= 1 */
    for (int d = 0; d + 1 < H; d++)
        for (size_t a = 0; a < T; a++) {
            int ca = xc[(size_t)d * T + a];
            if (ca < 0)
                continue;
            row = -1;
            for (size_t b = 0; b < T; b++) {
                int cb = xc[(size_t)(d + 1) * T + b];
                if (cb < 0 || !forbidden(&r->shifts[a], b))
                    continue;
                if (row < 0) {
                    TRY(row = new_row(m, SP_ROW_LE, 1.0, p));
                    TRY(sp_mip_add_coef(m->mip, row, ca, 1.0));
                }
                TRY(sp_mip_add_coef(m->mip, row, cb, 1.0));
            }
        }
    /* maximum shifts per type */
    for (size_t t = 0; t < T; t++) {
        int n = 0;
        for (int d = 0; d < H; d++)
            n += xc[(size_t)d * T + t] >= 0;
        if (pe->max_shifts[t] < 0 || pe->max_shifts[t] >= n)
            continue;
        TRY(row = new_row(m, SP_ROW_LE, pe->max_shifts[t], p));
        for (int d = 0; d < H; d++)
            if (xc[(size_t)d * T + t] >= 0)
                TRY(sp_mip_add_coef(m->mip, row, xc[(size_t)d * T + t], 1.0));
    }
    /* total minutes */
    for (int side = 0; side < 2; side++) {
        int limit = side ? pe->max_minutes : pe->min_minutes;
        if (side ? limit < 0 : limit <= 0)
            continue;
        TRY(row = new_row(m, side ? SP_ROW_LE : SP_ROW_GE, limit, p));
        for (int d = 0; d < H; d++)
            for (size_t t = 0; t < T; t++)
                if (xc[(size_t)d * T + t] >= 0)
                    TRY(sp_mip_add_coef(m->mip, row, xc[(size_t)d * T + t],
                                        r->shifts[t].length));
    }
    /* maximum consecutive working days: every window of c+1 days has a day off */
    int c = pe->max_consecutive;
    if (c >= 0)
        for (int d = 0; d + c < H; d++) {
            TRY(row = new_row(m, SP_ROW_LE, c, p));
            for (int j = d; j <= d + c; j++)
                TRY(add_work(m, row, p, j, 1.0));
        }
    /* minimum runs strictly inside the horizon: no block of s < min days bounded on both sides
     * by the opposite state. Work: w(d-1) - sum w + w(d+s) >= 1 - s. Off: -w(d-1) + sum w -
     * w(d+s) >= -1. */
    for (int kind = 0; kind < 2; kind++) {
        int min = kind ? pe->min_days_off : pe->min_consecutive;
        double sign = kind ? -1.0 : 1.0;
        for (int s = 1; s < min; s++)
            for (int d = 1; d + s <= H - 1; d++) {
                TRY(row = new_row(m, SP_ROW_GE, kind ? -1.0 : 1.0 - s, p));
                TRY(add_work(m, row, p, d - 1, sign));
                TRY(add_work(m, row, p, d + s, sign));
                for (int j = d; j < d + s; j++)
                    TRY(add_work(m, row, p, j, -sign));
            }
    }
    /* weekends: k >= w(sat), k >= w(sun), sum k <= max; k continuous is exact */
    if (pe->max_weekends >= 0) {
        int limit = -1;
        int *ks = NULL;
        size_t nk = 0, cap = 0;
        for (int d = 0; d < H; d++) {
            if (!is_weekend_day(r, d) || (d > 0 && is_weekend_day(r, d - 1)))
                continue; /* first day of each weekend inside the horizon */
            int k = sp_mip_add_col(m->mip, 0.0, 1.0, 0);
            if (k < 0 || sp_grow(&ks, &cap, nk + 1, sizeof *ks)) {
                free(ks);
                return SP_ENOMEM;
            }
            sp_mip_set_block(m->mip, -1, k, p);
            ks[nk++] = k;
            for (int j = d; j < H && j <= d + 1 && is_weekend_day(r, j); j++) {
                int rw = new_row(m, SP_ROW_GE, 0.0, p);
                if (rw < 0 || sp_mip_add_coef(m->mip, rw, k, 1.0) < 0 ||
                    add_work(m, rw, p, j, -1.0)) {
                    free(ks);
                    return SP_ENOMEM;
                }
            }
        }
        limit = pe->max_weekends;
        if ((size_t)limit < nk) {
            row = new_row(m, SP_ROW_LE, limit, p);
            for (size_t i = 0; row >= 0 && i < nk; i++)
                if (sp_mip_add_coef(m->mip, row, ks[i], 1.0) < 0)
                    row = -1;
            if (row < 0) {
                free(ks);
                return SP_ENOMEM;
            }
        }
        free(ks);
    }
    return SP_OK;
}

static int build(rt_model *m)
{
    const sp_rota *r = m->rota;
    size_t P = r->n_people, T = r->n_shifts, H = (size_t)r->days;
    if (T && P > SIZE_MAX / H / T / sizeof(int))
        return SP_ERANGE;
    if (P * H * T > (size_t)INT32_MAX / 2)
        return SP_ERANGE;
    m->mip = sp_mip_new(1);
    m->xcol = malloc((P * H * T > 0 ? P * H * T : 1) * sizeof *m->xcol);
    m->under_col = malloc((H * T > 0 ? H * T : 1) * sizeof *m->under_col);
    m->over_col = malloc((H * T > 0 ? H * T : 1) * sizeof *m->over_col);
    if (!m->mip || !m->xcol || !m->under_col || !m->over_col)
        return SP_ENOMEM;
    /* x columns: person by person, day by day, shift by shift */
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        for (size_t d = 0; d < H; d++)
            for (size_t t = 0; t < T; t++) {
                int ok = !pe->day_off[d] && pe->max_shifts[t] != 0 &&
                         holds_skill(pe, r->shifts[t].skill);
                int col = -1, fix = m->fixed ? m->fixed[p * H + d] : -2;
                if (ok && fix != -2) { /* fixed by the neighbourhood search: a constant */
                    if (fix == (int)t) {
                        TRY(col = sp_mip_add_col(m->mip, 1.0, 1.0, 0));
                        sp_mip_set_block(m->mip, -1, col, (int)p);
                    }
                } else if (ok) {
                    TRY(col = sp_mip_add_col(m->mip, 0.0, 1.0, 1));
                    sp_mip_set_block(m->mip, -1, col, (int)p);
                }
                m->xcol[(p * H + d) * T + t] = col;
            }
    }
    /* requests: on costs w (1 - x), off costs w x */
    m->constant = 0.0;
    m->integral = 1;
    for (size_t i = 0; i < H * T; i++) {
        const rt_cover *c = sp_rota_cover_at(r, i / T, i % T);
        if (c->under_weight != floor(c->under_weight) || c->over_weight != floor(c->over_weight))
            m->integral = 0;
    }
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        if (q->weight != floor(q->weight))
            m->integral = 0;
        int col = m->xcol[((size_t)q->person * H + q->day) * T + q->shift];
        if (q->on)
            m->constant += q->weight;
        if (col >= 0 && q->weight > 0)
            TRY(sp_mip_set_obj(m->mip, 0, col, q->on ? -q->weight : q->weight));
    }
    TRY(m->const_col = sp_mip_add_col(m->mip, 1.0, 1.0, 0));
    if (m->constant != 0.0)
        TRY(sp_mip_set_obj(m->mip, 0, m->const_col, m->constant));
    for (size_t p = 0; p < P; p++) {
        int rc = build_person(m, (int)p);
        if (rc)
            return rc;
    }
    /* cover: sum x + under - over = requirement; under <= requirement - hard minimum */
    for (size_t d = 0; d < H; d++)
        for (size_t t = 0; t < T; t++) {
            const rt_cover *c = sp_rota_cover_at(r, d, t);
            int row, u = -1, o;
            TRY(row = sp_mip_add_row(m->mip, SP_ROW_EQ, c->requirement));
            if (c->requirement > 0) {
                TRY(u = sp_mip_add_col(m->mip, 0.0, c->requirement - c->hard_min, 0));
                TRY(sp_mip_add_coef(m->mip, row, u, 1.0));
                sp_mip_set_start_upper(m->mip, u);
                if (c->under_weight > 0)
                    TRY(sp_mip_set_obj(m->mip, 0, u, c->under_weight));
            }
            TRY(o = sp_mip_add_col(m->mip, 0.0, HUGE_VAL, 0));
            TRY(sp_mip_add_coef(m->mip, row, o, -1.0));
            if (c->over_weight > 0)
                TRY(sp_mip_set_obj(m->mip, 0, o, c->over_weight));
            m->under_col[d * T + t] = u;
            m->over_col[d * T + t] = o;
            for (size_t p = 0; p < P; p++) {
                int col = m->xcol[(p * H + d) * T + t];
                if (col >= 0)
                    TRY(sp_mip_add_coef(m->mip, row, col, 1.0));
            }
        }
    return SP_OK;
}

static void model_free(rt_model *m)
{
    sp_mip_free(m->mip);
    free(m->xcol), free(m->under_col), free(m->over_col);
}

/* ---- the search: one MIP, then fix-and-optimise over people and day windows ---- */

/* Roster (shift per person and day, -1 off) from the model's column values. */
static void roster_of(const rt_model *m, const double *x, int *roster)
{
    const sp_rota *r = m->rota;
    size_t T = r->n_shifts, H = (size_t)r->days;
    for (size_t i = 0; i < r->n_people * H; i++) {
        roster[i] = -1;
        for (size_t t = 0; t < T; t++) {
            int c = m->xcol[i * T + t];
            if (c >= 0 && x[c] > 0.5)
                roster[i] = (int)t;
        }
    }
}

/* The solver layer's repair hook, used to hand it the incumbent: it sets the binaries of a
 * neighbourhood's MIP to the incumbent roster, which is feasible there, so the layer's fixing
 * heuristic turns it into the starting incumbent of branch-and-cut (the layer has no other way
 * to take a start). */
typedef struct incumbent_hook {
    const rt_model *m;
    const int *roster;
} incumbent_hook;

static void set_incumbent(void *ctx, double *x1)
{
    const incumbent_hook *h = ctx;
    const sp_rota *r = h->m->rota;
    size_t T = r->n_shifts;
    for (size_t i = 0; i < r->n_people * (size_t)r->days; i++)
        for (size_t t = 0; t < T; t++) {
            int c = h->m->xcol[i * T + t];
            if (c >= 0)
                x1[c + 1] = h->roster[i] == (int)t ? 1.0 : 0.0;
        }
}

static unsigned long next_random(unsigned long *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* A first roster, person by person: each person's line is the best one given the lines of the
 * people before them, the people after them left out (every hard rule is per person, so lines
 * chosen this way always combine into a feasible roster). Returns 1 with best and *value filled,
 * 0 when a person has no feasible line in the time left, or a negative error code. */
static int construct(const sp_rota *r, int *best, double *value, double deadline,
                     const sp_solve_options *opts, sp_error *err)
{
    size_t P = r->n_people, H = (size_t)r->days;
    int *fixed = malloc((P * H > 0 ? P * H : 1) * sizeof *fixed);
    if (!fixed)
        return SP_ENOMEM;
    for (size_t i = 0; i < P * H; i++)
        fixed[i] = -3;
    int ok = 1;
    *value = 0.0;
    for (size_t p = 0; ok && p < P; p++) {
        for (size_t d = 0; d < H; d++)
            fixed[p * H + d] = -2;
        rt_model m = {.rota = r, .fixed = fixed};
        int rc = build(&m);
        sp_solve_options sub = *opts;
        sub.model_file = NULL;
        sub.log_level = opts->log_level > 1 ? 1 : opts->log_level;
        if (deadline != HUGE_VAL)
            sub.time_limit = fmax(0.0, deadline - sp_now());
        sp_mip_result res = {0};
        if (!rc)
            rc = sp_mip_solve_lex(&res, m.mip, &sub, err);
        else
            sp_fail(err, rc, "out of memory building a first roster");
        if (rc) {
            model_free(&m);
            free(fixed);
            return rc;
        }
        if (res.x) {
            roster_of(&m, res.x, best);
            for (size_t d = 0; d < H; d++)
                fixed[p * H + d] = best[p * H + d];
            *value = res.term_value[0];
        } else {
            ok = 0;
        }
        sp_mip_result_clear(&res);
        model_free(&m);
    }
    if (ok)
        memcpy(best, fixed, P * H * sizeof *best);
    free(fixed);
    return ok;
}

/* Large neighbourhood search with the solver layer as sub-solver: frees a few people over the
 * whole horizon, or everyone over a window of days, keeps the rest of the incumbent fixed, and
 * solves that small MIP; a better roster replaces the incumbent. Runs until the deadline or a
 * cancel. The solver layer takes no starting solution, so each sub-MIP must find the incumbent's
 * part again itself; small neighbourhoods keep that cheap. Returns SP_OK or an error code. */
static int improve(const sp_rota *r, int *best, double *best_value, double deadline,
                   const sp_solve_options *opts, double bound, int *proved, sp_error *err)
{
    size_t P = r->n_people, H = (size_t)r->days, T = r->n_shifts;
    int *fixed = malloc((P * H > 0 ? P * H : 1) * sizeof *fixed);
    if (!fixed)
        return SP_ENOMEM;
    unsigned long rng = 88172645463325252UL;
    double size = 320.0; /* free binaries aimed at per neighbourhood */
    int rc = SP_OK, since_better = 0;
    for (int iter = 0; sp_now() < deadline - 0.05 && !sp_cancel_is_raised(opts->cancel); iter++) {
        if (*best_value <= bound + 1e-9) {
            *proved = 1;
            break;
        }
        for (size_t i = 0; i < P * H; i++)
            fixed[i] = best[i];
        if (iter % 2 == 0 || H < 2) { /* a few people, the whole horizon */
            size_t k = (size_t)fmax(2.0, size / (double)(H * (T ? T : 1)));
            for (size_t j = 0; j < k && j < P; j++) {
                size_t p = next_random(&rng) % P;
                for (size_t d = 0; d < H; d++)
                    fixed[p * H + d] = -2;
            }
        } else { /* everyone, a window of days */
            size_t len = (size_t)fmax(2.0, size / (double)(P * (T ? T : 1)));
            if (len > H)
                len = H;
            size_t first = next_random(&rng) % (H - len + 1);
            for (size_t p = 0; p < P; p++)
                for (size_t d = first; d < first + len; d++)
                    fixed[p * H + d] = -2;
        }
        rt_model m = {.rota = r, .fixed = fixed};
        rc = build(&m);
        if (rc) {
            model_free(&m);
            sp_fail(err, rc, "out of memory building a neighbourhood");
            break;
        }
        incumbent_hook hook = {.m = &m, .roster = best};
        sp_mip_set_repair(m.mip, set_incumbent, &hook);
        sp_solve_options sub = *opts;
        sub.model_file = NULL;
        sub.log_level = opts->log_level > 1 ? 1 : opts->log_level;
        sub.time_limit = fmin(fmax(1.0, 0.05 * (deadline - sp_now())), deadline - sp_now());
        if (sub.time_limit <= 0) {
            model_free(&m);
            break;
        }
        sp_mip_result res = {0};
        rc = sp_mip_solve_lex(&res, m.mip, &sub, err);
        since_better++;
        if (!rc && res.x && res.term_value[0] < *best_value - 1e-6) {
            since_better = 0;
            *best_value = res.term_value[0];
            int *roster = malloc((P * H > 0 ? P * H : 1) * sizeof *roster);
            if (!roster)
                rc = sp_fail(err, SP_ENOMEM, "out of memory in the neighbourhood search");
            else {
                roster_of(&m, res.x, roster);
                memcpy(best, roster, P * H * sizeof *best);
                free(roster);
            }
            if (opts->log_level >= 2)
                fprintf(stderr, "staffpool: rota search %d: %.6g at %.1f s left\n", iter,
                        *best_value, deadline - sp_now());
        }
        /* grow the neighbourhood while sub-MIPs are proved quickly, shrink it when they are not */
        if (!rc)
            size *= res.status == SP_STATUS_OPTIMAL ? 1.1 : 0.8;
        if (since_better >= 8) { /* stuck: look further */
            size *= 1.5;
            since_better = 0;
        }
        size = fmin(fmax(size, 40.0), 4000.0);
        sp_mip_result_clear(&res);
        model_free(&m);
        if (rc)
            break;
    }
    free(fixed);
    return rc;
}

int sp_rota_solve(sp_rota_result **out, const sp_rota *r, const sp_solve_options *opts,
                  sp_error *err)
{
    double start = sp_now();
    *out = NULL;
    sp_solve_options defaults;
    if (!opts) {
        sp_solve_options_init(&defaults);
        opts = &defaults;
    }
    if (isnan(opts->time_limit))
        return sp_fail_field(err, "options", NULL, "time_limit", "must be a number (got NaN)");
    if (!isfinite(opts->rel_gap) || opts->rel_gap < 0 || opts->rel_gap >= 1)
        return sp_fail_field(err, "options", NULL, "rel_gap", "must be in [0, 1) (got %g)",
                             opts->rel_gap);
    double deadline = opts->time_limit >= 0 ? start + opts->time_limit : HUGE_VAL;
    rt_model m = {.rota = r};
    int rc = build(&m);
    if (rc) {
        model_free(&m);
        return sp_fail(err, rc, rc == SP_ERANGE ? "the rota is too large to model"
                                                : "out of memory building the model");
    }
    sp_rota_result *result = calloc(1, sizeof *result);
    int *best = malloc((r->n_people * r->days > 0 ? r->n_people * r->days : 1) * sizeof *best);
    if (!result || !best) {
        free(result), free(best);
        model_free(&m);
        return sp_fail(err, SP_ENOMEM, "out of memory for the result");
    }
    /* With a time limit, the whole MIP gets a quarter of what is left after the first roster
     * (it gives the bound and often a better roster), the neighbourhood search the rest. */
    sp_solve_options first = *opts;
    /* A first roster person by person, handed to the full MIP as its starting incumbent. */
    double value = HUGE_VAL;
    int have_start = construct(r, best, &value, deadline, opts, err);
    if (have_start < 0) {
        free(result), free(best);
        model_free(&m);
        return have_start;
    }
    incumbent_hook hook = {.m = &m, .roster = best};
    if (have_start)
        sp_mip_set_repair(m.mip, set_incumbent, &hook);
    if (opts->time_limit > 0)
        first.time_limit = fmax(0.0, 0.25 * (deadline - sp_now()));
    sp_mip_result res = {0};
    rc = sp_mip_solve_lex(&res, m.mip, &first, err);
    if (!rc) {
        result->status = res.status;
        result->stop_reason = res.stop_reason;
        result->columns = sp_mip_cols(m.mip);
        result->rows = sp_mip_rows(m.mip);
        result->binaries = sp_mip_binaries(m.mip);
        result->bound = res.term_bound[0];
        if (m.integral)
            result->bound = ceil(result->bound - 1e-6 * fmax(1.0, fabs(result->bound)));
    }
    /* The whole MIP stopped before it took the first roster up (e.g. inside its root LP): carry
     * on from the first roster. */
    int from_start = 0;
    if (!rc && !res.x && have_start && res.status == SP_STATUS_NO_SOLUTION) {
        size_t cols = sp_mip_cols(m.mip);
        if (!(res.x = calloc(cols > 0 ? cols : 1, sizeof *res.x)))
            rc = sp_fail(err, SP_ENOMEM, "out of memory for the roster");
        from_start = !rc;
        result->status = SP_STATUS_FEASIBLE;
    }
    int searched = 0, proved = 0;
    if (!rc && res.x && result->status == SP_STATUS_FEASIBLE &&
        !sp_cancel_is_raised(opts->cancel) && deadline != HUGE_VAL) {
        if (!from_start) {
            value = res.term_value[0];
            roster_of(&m, res.x, best);
        }
        rc = improve(r, best, &value, deadline, opts, result->bound, &proved, err);
        searched = 1;
    }
    if (!rc && (searched || from_start)) {
        size_t T = r->n_shifts, n = r->n_people * (size_t)r->days * T;
        for (size_t i = 0; i < n; i++) /* the incumbent in the full model's columns */
            if (m.xcol[i] >= 0)
                res.x[m.xcol[i]] = 0.0;
        for (size_t i = 0; i < r->n_people * r->days; i++)
            if (best[i] >= 0)
                res.x[m.xcol[i * T + (size_t)best[i]]] = 1.0;
        result->status = proved ? SP_STATUS_OPTIMAL : SP_STATUS_FEASIBLE;
        result->stop_reason = proved ? SP_STOP_NONE
                              : sp_cancel_is_raised(opts->cancel) ? SP_STOP_CANCELLED
                                                                  : SP_STOP_TIME_LIMIT;
    }
    if (!rc) {
        rc = sp_rota_results(result, &m, res.x);
        if (rc)
            sp_fail(err, rc, "out of memory reading the roster");
    }
    sp_mip_result_clear(&res);
    model_free(&m);
    free(best);
    if (rc) {
        sp_rota_result_free(result);
        return rc;
    }
    result->seconds = sp_now() - start;
    *out = result;
    sp_ok(err);
    return SP_OK;
}
