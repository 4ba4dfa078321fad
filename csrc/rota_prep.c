/* What a solve derives from a rota before building anything: travel minutes between sites, which
 * posts each person may work (skill, travel reach, shift types not forbidden), the assignments
 * fixed by pins and by the freeze window, the weekends of the horizon and the contract groups.
 * A pin that cannot be worked is an input error naming the pin. */
#include "rota.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int sp_rota_is_weekend_day(const sp_rota *r, int d)
{
    return (r->first_weekday + d) % 7 >= 5;
}

double sp_rota_site_minutes(const sp_rota *r, const rt_prep *prep, int a, int b)
{
    if (a < 0 || b < 0)
        return 0.0;
    return prep->travel[(size_t)a * r->n_sites + (size_t)b];
}

/* Sites x sites: given minutes, else great-circle distance at the rota's speed when both sites
 * have coordinates, else unreachable (0 to itself). */
static double *travel_matrix(const sp_rota *r)
{
    size_t n = r->n_sites;
    double *minutes = malloc((n ? n * n : 1) * sizeof *minutes);
    if (!minutes)
        return NULL;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double v = HUGE_VAL;
            if (a == b)
                v = 0.0;
            else if (!isnan(r->site_lat[a]) && !isnan(r->site_lat[b]))
                v = sp_haversine_km(r->site_lat[a], r->site_lon[a], r->site_lat[b],
                                    r->site_lon[b]) /
                    r->travel_speed_kmh * 60.0;
            minutes[a * n + b] = v;
        }
    for (size_t i = 0; i < r->n_travel; i++) {
        const sp_travel_override *o = &r->travel[i];
        minutes[(size_t)o->from * n + (size_t)o->to] = o->minutes;
    }
    return minutes;
}

static int holds_skill(const rt_person *p, int skill)
{
    if (skill < 0)
        return 1;
    for (size_t i = 0; i < p->n_skills; i++)
        if (p->skills[i] == skill)
            return 1;
    return 0;
}

void sp_rota_prep_free(rt_prep *prep)
{
    free(prep->travel), free(prep->post_travel), free(prep->can), free(prep->hard);
    free(prep->weekend_first), free(prep->group_size);
    *prep = (rt_prep){0};
}

/* Why person p cannot work post k (NULL: they can), for error messages. */
static const char *cannot(const sp_rota *r, const rt_prep *prep, size_t p, size_t k,
                          const char **field)
{
    const rt_person *pe = &r->people[p];
    const rt_post *po = &r->posts[k];
    if (!holds_skill(pe, po->skill))
        return *field = "skill", "the person does not hold the skill";
    if (pe->max_shifts[po->shift] == 0)
        return *field = "shift", "the person may work no shift of this type (max_shifts 0)";
    double t = prep->post_travel[p * r->n_posts + k];
    if (t == HUGE_VAL)
        return *field = "site", "the site is unreachable from the person's home site";
    if (pe->max_travel >= 0 && t > pe->max_travel)
        return *field = "site", "the site is beyond the person's max_travel_minutes";
    return NULL;
}

int sp_rota_prep(rt_prep *prep, const sp_rota *r, sp_error *err)
{
    *prep = (rt_prep){0};
    size_t P = r->n_people, K = r->n_posts, H = (size_t)r->days;
    prep->travel = travel_matrix(r);
    prep->post_travel = malloc((P * K > 0 ? P * K : 1) * sizeof *prep->post_travel);
    prep->can = malloc(P * K > 0 ? P * K : 1);
    prep->hard = malloc((P * H > 0 ? P * H : 1) * sizeof *prep->hard);
    prep->weekend_first = malloc((H / 7 + 2) * sizeof *prep->weekend_first);
    prep->group_size = calloc(r->n_contracts ? r->n_contracts : 1, sizeof *prep->group_size);
    if (!prep->travel || !prep->post_travel || !prep->can || !prep->hard || !prep->weekend_first ||
        !prep->group_size) {
        sp_rota_prep_free(prep);
        return sp_fail(err, SP_ENOMEM, "out of memory preparing the rota");
    }
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        if (pe->contract >= 0)
            prep->group_size[pe->contract]++;
        for (size_t k = 0; k < K; k++) {
            prep->post_travel[p * K + k] =
                sp_rota_site_minutes(r, prep, pe->site, r->posts[k].site);
            const char *field;
            prep->can[p * K + k] = cannot(r, prep, p, k, &field) == NULL;
        }
    }
    for (int d = 0; d < r->days; d++)
        if (sp_rota_is_weekend_day(r, d) && (d == 0 || !sp_rota_is_weekend_day(r, d - 1)))
            prep->weekend_first[prep->n_weekends++] = d;
    /* fixed assignments: pins (which must be workable), then published ones in the freeze window
     * that the person can still work */
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        for (size_t d = 0; d < H; d++) {
            int k = pe->pinned[d], pub = pe->published[d];
            prep->hard[p * H + d] = -1;
            if (k >= 0) {
                const char *field = "day";
                const char *why = pe->day_off[d] ? "the person is off that day (day off or absence)"
                                                 : cannot(r, prep, p, (size_t)k, &field);
                if (why) {
                    sp_fail_field(err, "pin", pe->id, field, "day %zu, shift '%.128s': %s", d,
                                  r->shifts[r->posts[k].shift].id, why);
                    sp_rota_prep_free(prep);
                    return SP_EINVAL;
                }
                prep->hard[p * H + d] = k;
            } else if (pub >= 0 && (int)d < r->freeze_days &&
                       sp_rota_can_work(r, prep, p, (int)d, (size_t)pub)) {
                prep->hard[p * H + d] = pub;
            }
        }
    }
    return SP_OK;
}
