/* Rota engine, the problem (part 1): the handle, partners, sites and travel between them, skills,
 * shift types with the posts they serve, and the weights of the soft terms. Each record is
 * validated as it is added; errors name the record and field. People and what refers to them are
 * in rota_people.c. */
#include "rota.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_rota_person_init(sp_rota_person *person)
{
    *person = (sp_rota_person){0};
    person->max_minutes = -1;
    person->min_consecutive = 1;
    person->max_consecutive = -1;
    person->min_days_off = 1;
    person->max_weekends = -1;
    person->max_travel_minutes = -1;
}

void sp_rota_weights_init(sp_rota_weights *weights)
{
    *weights = (sp_rota_weights){0};
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
    r->travel_speed_kmh = 40.0; /* as the pool's default */
    *out = r;
    sp_ok(err);
    return SP_OK;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void sp_rota_free(sp_rota *r)
{
    if (!r)
        return;
    free_list(r->partners, r->n_partners);
    free_list(r->sites, r->n_sites);
    free_list(r->skills, r->n_skills);
    free_list(r->contracts, r->n_contracts);
    for (size_t i = 0; i < r->n_shifts; i++) {
        rt_shift *s = &r->shifts[i];
        free(s->id), free(s->sites), free(s->skills), free(s->forbidden_next);
    }
    for (size_t i = 0; i < r->n_people; i++) {
        rt_person *p = &r->people[i];
        free(p->id), free(p->max_shifts), free(p->skills), free(p->day_off);
        free(p->pinned), free(p->published);
    }
    free(r->site_partner), free(r->site_lat), free(r->site_lon), free(r->shifts), free(r->posts);
    free(r->people), free(r->requests), free(r->cover), free(r->travel);
    sp_idmap_free(&r->partner_ids);
    sp_idmap_free(&r->site_ids);
    sp_idmap_free(&r->skill_ids);
    sp_idmap_free(&r->shift_ids);
    sp_idmap_free(&r->person_ids);
    sp_idmap_free(&r->contract_ids);
    free(r);
}

int sp_rota_days(const sp_rota *r)
{
    return r->days;
}
size_t sp_rota_person_count(const sp_rota *r)
{
    return r->n_people;
}
size_t sp_rota_shift_count(const sp_rota *r)
{
    return r->n_shifts;
}

/* Adds a plain id record (partner, site, skill, contract) to list/map. */
int sp_rota_add_named(char ***list, size_t *n, size_t *cap, sp_idmap *map, const char *kind,
                      const char *id, sp_error *err)
{
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
    return sp_rota_add_named(&r->partners, &r->n_partners, &r->cap_partners, &r->partner_ids,
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
    size_t n = r->n_sites + 1;
    if (sp_grow(&r->site_partner, &r->cap_site_partner, n, sizeof(int)) ||
        sp_grow(&r->site_lat, &r->cap_site_lat, n, sizeof(double)) ||
        sp_grow(&r->site_lon, &r->cap_site_lon, n, sizeof(double)))
        return sp_fail(err, SP_ENOMEM, "out of memory adding site");
    r->site_partner[r->n_sites] = partner;
    r->site_lat[r->n_sites] = r->site_lon[r->n_sites] = NAN;
    return sp_rota_add_named(&r->sites, &r->n_sites, &r->cap_sites, &r->site_ids, "site", id, err);
}

int sp_rota_set_site_location(sp_rota *r, const char *site_id, double latitude, double longitude,
                              sp_error *err)
{
    int s = sp_lookup_id(err, &r->site_ids, "site", site_id, "id", "site", site_id);
    if (s < 0)
        return SP_EINVAL;
    int rc = sp_check_number(err, "site", site_id, "latitude", latitude, -90.0, 90.0);
    if (!rc)
        rc = sp_check_number(err, "site", site_id, "longitude", longitude, -180.0, 180.0);
    if (rc)
        return rc;
    r->site_lat[s] = latitude;
    r->site_lon[s] = longitude;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_add_located_site(sp_rota *r, const char *id, const char *partner_id, double latitude,
                             double longitude, sp_error *err)
{
    int rc = sp_check_number(err, "site", id, "latitude", latitude, -90.0, 90.0);
    if (!rc)
        rc = sp_check_number(err, "site", id, "longitude", longitude, -180.0, 180.0);
    if (!rc)
        rc = sp_rota_add_site(r, id, partner_id, err);
    if (!rc)
        rc = sp_rota_set_site_location(r, id, latitude, longitude, err);
    return rc;
}

int sp_rota_set_travel_minutes(sp_rota *r, const char *from_site, const char *to_site,
                               double minutes, sp_error *err)
{
    return sp_travel_set(&r->travel, &r->n_travel, &r->cap_travel, &r->site_ids, from_site, to_site,
                         minutes, err);
}

int sp_rota_set_travel_speed(sp_rota *r, double kmh, sp_error *err)
{
    int rc = sp_check_number(err, "settings", NULL, "travel_speed_kmh", kmh, 0.1, 1000.0);
    if (!rc)
        r->travel_speed_kmh = kmh, sp_ok(err);
    return rc;
}

int sp_rota_add_skill(sp_rota *r, const char *id, sp_error *err)
{
    return sp_rota_add_named(&r->skills, &r->n_skills, &r->cap_skills, &r->skill_ids, "skill", id,
                             err);
}

/* The shift type `shift_id` while shift types may still change, or NULL with err filled. */
static rt_shift *open_shift(sp_rota *r, const char *shift_id, const char *field, sp_error *err)
{
    int t = sp_lookup_id(err, &r->shift_ids, "shift", shift_id, "id", "shift", shift_id);
    if (t < 0)
        return NULL;
    if (r->frozen) {
        sp_fail_field(err, "shift", shift_id, field,
                      "shift types must be complete before people, requests and cover");
        return NULL;
    }
    return &r->shifts[t];
}

/* Appends index v to a shift's list unless it is there already (then an error). */
static int add_to_list(int **list, size_t *n, size_t *cap, int v, const char *shift_id,
                       const char *field, const char *ref, sp_error *err)
{
    for (size_t i = 0; i < *n; i++)
        if ((*list)[i] == v)
            return sp_fail_field(err, "shift", shift_id, field, "'%.128s' given twice", ref);
    if (sp_grow(list, cap, *n + 1, sizeof **list))
        return sp_fail(err, SP_ENOMEM, "out of memory adding to a shift");
    (*list)[(*n)++] = v;
    sp_ok(err);
    return SP_OK;
}

int sp_rota_add_shift_site(sp_rota *r, const char *shift_id, const char *site_id, sp_error *err)
{
    rt_shift *s = open_shift(r, shift_id, "site", err);
    if (!s)
        return SP_EINVAL;
    int site = sp_lookup_id(err, &r->site_ids, "shift", shift_id, "site", "site", site_id);
    if (site < 0)
        return SP_EINVAL;
    return add_to_list(&s->sites, &s->n_sites, &s->cap_sites, site, shift_id, "site", site_id, err);
}

int sp_rota_add_shift_skill(sp_rota *r, const char *shift_id, const char *skill_id, sp_error *err)
{
    rt_shift *s = open_shift(r, shift_id, "skill", err);
    if (!s)
        return SP_EINVAL;
    int skill = sp_lookup_id(err, &r->skill_ids, "shift", shift_id, "skill", "skill", skill_id);
    if (skill < 0)
        return SP_EINVAL;
    return add_to_list(&s->skills, &s->n_skills, &s->cap_skills, skill, shift_id, "skill", skill_id,
                       err);
}

int sp_rota_set_shift_categories(sp_rota *r, const char *shift_id, int night, int unpopular,
                                 sp_error *err)
{
    rt_shift *s = open_shift(r, shift_id, "night", err);
    if (!s)
        return SP_EINVAL;
    int rc = sp_check_int(err, "shift", shift_id, "night", night, 0, 1);
    if (!rc)
        rc = sp_check_int(err, "shift", shift_id, "unpopular", unpopular, 0, 1);
    if (rc)
        return rc;
    s->night = night;
    s->unpopular = unpopular;
    sp_ok(err);
    return SP_OK;
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
    rt_shift s = {.start = start_minute, .length = length_minutes};
    s.id = sp_strdup(id);
    if (!s.id ||
        (site >= 0 &&
         add_to_list(&s.sites, &s.n_sites, &s.cap_sites, site, id, "site", site_id, err)) ||
        (skill >= 0 &&
         add_to_list(&s.skills, &s.n_skills, &s.cap_skills, skill, id, "skill", skill_id, err))) {
        free(s.id), free(s.sites), free(s.skills);
        return sp_fail(err, SP_ENOMEM, "out of memory adding shift");
    }
    if ((rc = sp_register_id(err, &r->shift_ids, k, id, r->n_shifts))) {
        free(s.id), free(s.sites), free(s.skills);
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

int sp_rota_set_weights(sp_rota *r, const sp_rota_weights *w, sp_error *err)
{
    const char *k = "weights";
    double max = SP_ROTA_MAX_WEIGHT;
    int rc = sp_check_number(err, k, NULL, "travel_per_minute", w->travel_per_minute, 0, max);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "fairness_nights", w->fairness_nights, 0, max);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "fairness_weekends", w->fairness_weekends, 0, max);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "fairness_unpopular", w->fairness_unpopular, 0, max);
    if (!rc)
        rc = sp_check_number(err, k, NULL, "change", w->change, 0, max);
    if (rc)
        return rc;
    r->weights = *w;
    sp_ok(err);
    return SP_OK;
}

/* Freezes the shift list: enumerates the posts (sites x skills of each shift type) and sizes the
 * cover by them; from now on shift types cannot change. */
int sp_rota_freeze_shifts(sp_rota *r, sp_error *err)
{
    if (r->frozen)
        return SP_OK;
    size_t n = 0;
    for (size_t t = 0; t < r->n_shifts; t++) {
        const rt_shift *s = &r->shifts[t];
        n += (s->n_sites ? s->n_sites : 1) * (s->n_skills ? s->n_skills : 1);
    }
    if (n > (size_t)INT32_MAX / 4 || (n && (size_t)r->days > SIZE_MAX / n / sizeof(rt_cover)))
        return sp_fail(err, SP_ERANGE, "too many posts");
    r->posts = malloc((n ? n : 1) * sizeof *r->posts);
    r->cover = calloc(n * (size_t)r->days > 0 ? n * (size_t)r->days : 1, sizeof *r->cover);
    if (!r->posts || !r->cover) {
        free(r->posts), free(r->cover);
        r->posts = NULL, r->cover = NULL;
        return sp_fail(err, SP_ENOMEM, "out of memory for cover");
    }
    for (size_t t = 0; t < r->n_shifts; t++) {
        rt_shift *s = &r->shifts[t];
        s->first_post = (int)r->n_posts;
        size_t ns = s->n_sites ? s->n_sites : 1, nk = s->n_skills ? s->n_skills : 1;
        for (size_t i = 0; i < ns; i++)
            for (size_t j = 0; j < nk; j++)
                r->posts[r->n_posts++] = (rt_post){.shift = (int)t,
                                                   .site = s->n_sites ? s->sites[i] : -1,
                                                   .skill = s->n_skills ? s->skills[j] : -1};
        s->n_posts = (int)(ns * nk);
    }
    r->frozen = 1;
    return SP_OK;
}
