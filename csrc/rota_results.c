/* Reads a roster back: the worked assignments (with their site and skill, pinned and published
 * flags), cover per (day, post), each person's totals and penalties, the changes against the
 * published rota, and the objective and its parts recomputed from the roster itself (not taken
 * from the solver), so that what is reported is what the roster costs. */
#include "rota.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sp_rota_result_free(sp_rota_result *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_strings; i++)
        free(res->strings[i]);
    free(res->strings), free(res->assignments), free(res->cover), free(res->people);
    free(res->changes);
    free(res);
}

int sp_rota_result_status(const sp_rota_result *res)
{
    return res->status;
}
int sp_rota_result_stop_reason(const sp_rota_result *res)
{
    return res->stop_reason;
}
double sp_rota_result_gap(const sp_rota_result *res)
{
    return res->gap;
}
double sp_rota_result_seconds(const sp_rota_result *res)
{
    return res->seconds;
}
double sp_rota_result_objective(const sp_rota_result *res)
{
    return res->objective;
}
double sp_rota_result_bound(const sp_rota_result *res)
{
    return res->bound;
}
size_t sp_rota_result_columns(const sp_rota_result *res)
{
    return res->columns;
}
size_t sp_rota_result_rows(const sp_rota_result *res)
{
    return res->rows;
}
size_t sp_rota_result_binaries(const sp_rota_result *res)
{
    return res->binaries;
}

double sp_rota_result_penalty(const sp_rota_result *res, int part)
{
    return part >= 0 && part < SP_RPEN_COUNT ? res->penalty[part] : 0.0;
}

const sp_rota_assignment *sp_rota_result_assignments(const sp_rota_result *res, size_t *n)
{
    *n = res->n_assignments;
    return res->assignments;
}

const sp_rota_cover_result *sp_rota_result_cover(const sp_rota_result *res, size_t *n)
{
    *n = res->n_cover;
    return res->cover;
}

const sp_rota_person_result *sp_rota_result_people(const sp_rota_result *res, size_t *n)
{
    *n = res->n_people;
    return res->people;
}

const sp_rota_change *sp_rota_result_changes(const sp_rota_result *res, size_t *n)
{
    *n = res->n_changes;
    return res->changes;
}

const char *sp_rota_result_keep(sp_rota_result *res, const char *s, int *ok)
{
    if (!s)
        return NULL;
    char *copy = sp_strdup(s);
    if (!copy ||
        sp_grow(&res->strings, &res->cap_strings, res->n_strings + 1, sizeof *res->strings)) {
        free(copy);
        *ok = 0;
        return NULL;
    }
    res->strings[res->n_strings++] = copy;
    return copy;
}

/* The result's copies of every id, indexed like the rota's lists. */
typedef struct ids {
    const char **person, **shift, **site, **skill;
} ids;

static int copy_ids(ids *out, sp_rota_result *res, const sp_rota *r)
{
    size_t P = r->n_people, T = r->n_shifts, S = r->n_sites, K = r->n_skills;
    const char **all = malloc((P + T + S + K + 1) * sizeof *all);
    if (!all)
        return SP_ENOMEM;
    int ok = 1;
    size_t i = 0;
    for (size_t j = 0; j < P; j++)
        all[i++] = sp_rota_result_keep(res, r->people[j].id, &ok);
    for (size_t j = 0; j < T; j++)
        all[i++] = sp_rota_result_keep(res, r->shifts[j].id, &ok);
    for (size_t j = 0; j < S; j++)
        all[i++] = sp_rota_result_keep(res, r->sites[j], &ok);
    for (size_t j = 0; j < K; j++)
        all[i++] = sp_rota_result_keep(res, r->skills[j], &ok);
    *out = (ids){all, all + P, all + P + T, all + P + T + S};
    if (!ok) {
        free(all);
        return SP_ENOMEM;
    }
    return SP_OK;
}

static const char *site_of(const ids *id, const sp_rota *r, int k)
{
    return r->posts[k].site >= 0 ? id->site[r->posts[k].site] : NULL;
}

static const char *skill_of(const ids *id, const sp_rota *r, int k)
{
    return r->posts[k].skill >= 0 ? id->skill[r->posts[k].skill] : NULL;
}

/* Count of person p's line in fairness category c (0 nights, 1 weekends, 2 unpopular). */
static int category_count(const sp_rota_person_result *pr, int c)
{
    return c == 0 ? pr->nights : c == 1 ? pr->weekends : pr->unpopular;
}

static void fairness(sp_rota_result *res, const sp_rota *r)
{
    double w[3] = {r->weights.fairness_nights, r->weights.fairness_weekends,
                   r->weights.fairness_unpopular};
    for (size_t g = 0; g < r->n_contracts; g++)
        for (int c = 0; c < 3; c++) {
            int lo = 0, hi = 0, n = 0;
            for (size_t p = 0; p < r->n_people; p++) {
                if (r->people[p].contract != (int)g)
                    continue;
                int v = category_count(&res->people[p], c);
                lo = n ? (v < lo ? v : lo) : v;
                hi = n ? (v > hi ? v : hi) : v;
                n++;
            }
            res->penalty[SP_RPEN_FAIRNESS] += w[c] * (hi - lo);
        }
}

static int add_change(sp_rota_result *res, const ids *id, const sp_rota *r, size_t p, int d,
                      int before, int after)
{
    if (sp_grow(&res->changes, &res->cap_changes, res->n_changes + 1, sizeof *res->changes))
        return SP_ENOMEM;
    sp_rota_change *c = &res->changes[res->n_changes++];
    *c = (sp_rota_change){.person_id = id->person[p], .day = d};
    if (before >= 0) {
        c->before_shift_id = id->shift[r->posts[before].shift];
        c->before_site_id = site_of(id, r, before);
        c->before_skill_id = skill_of(id, r, before);
    }
    if (after >= 0) {
        c->after_shift_id = id->shift[r->posts[after].shift];
        c->after_site_id = site_of(id, r, after);
        c->after_skill_id = skill_of(id, r, after);
    }
    return SP_OK;
}

int sp_rota_results(sp_rota_result *res, const sp_rota *r, const rt_prep *prep, const int *roster,
                    int integral)
{
    size_t P = r->n_people, K = r->n_posts, H = (size_t)r->days;
    if (!roster) {
        res->objective = NAN;
        res->gap = NAN;
        return SP_OK;
    }
    ids id;
    if (copy_ids(&id, res, r))
        return SP_ENOMEM;
    res->people = calloc(P ? P : 1, sizeof *res->people);
    res->cover = calloc(H * K > 0 ? H * K : 1, sizeof *res->cover);
    res->assignments = malloc((P * H > 0 ? P * H : 1) * sizeof *res->assignments);
    if (!res->people || !res->cover || !res->assignments) {
        free(id.person);
        return SP_ENOMEM;
    }
    const sp_rota_weights *w = &r->weights;
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        sp_rota_person_result *pr = &res->people[res->n_people++];
        pr->person_id = id.person[p];
        for (size_t d = 0; d < H; d++) {
            int k = roster[p * H + d], pub = pe->published[d];
            if (pub >= 0 && k != pub) {
                pr->changes++;
                res->penalty[SP_RPEN_CHANGES] += w->change;
            }
            if ((pub >= 0 && k != pub) || (pub < 0 && k >= 0 && r->n_published))
                if (add_change(res, &id, r, p, (int)d, pub, k)) {
                    free(id.person);
                    return SP_ENOMEM;
                }
            if (k < 0)
                continue;
            const rt_shift *s = &r->shifts[r->posts[k].shift];
            res->assignments[res->n_assignments++] =
                (sp_rota_assignment){.person_id = id.person[p],
                                     .day = (int)d,
                                     .shift_id = id.shift[r->posts[k].shift],
                                     .site_id = site_of(&id, r, k),
                                     .skill_id = skill_of(&id, r, k),
                                     .pinned = pe->pinned[d] == k,
                                     .published = pub == k};
            pr->shifts++;
            pr->minutes += s->length;
            pr->nights += s->night;
            pr->unpopular += s->unpopular;
            pr->travel_minutes += prep->post_travel[p * K + (size_t)k];
        }
        for (size_t e = 0; e < prep->n_weekends; e++) {
            int d = prep->weekend_first[e];
            pr->weekends += roster[p * H + (size_t)d] >= 0 ||
                            (d + 1 < (int)H && sp_rota_is_weekend_day(r, d + 1) &&
                             roster[p * H + (size_t)d + 1] >= 0);
        }
        res->penalty[SP_RPEN_TRAVEL] += w->travel_per_minute * pr->travel_minutes;
    }
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        int k = roster[(size_t)q->person * H + (size_t)q->day];
        int t = k >= 0 ? r->posts[k].shift : -1;
        if (q->on && t != q->shift) {
            res->people[q->person].shift_on_penalty += q->weight;
            res->penalty[SP_RPEN_SHIFT_ON] += q->weight;
        } else if (!q->on && t == q->shift) {
            res->people[q->person].shift_off_penalty += q->weight;
            res->penalty[SP_RPEN_SHIFT_OFF] += q->weight;
        }
    }
    fairness(res, r);
    for (size_t d = 0; d < H; d++)
        for (size_t k = 0; k < K; k++) {
            const rt_cover *c = sp_rota_cover_at(r, d, k);
            int n = 0;
            for (size_t p = 0; p < P; p++)
                n += roster[p * H + d] == (int)k;
            sp_rota_cover_result *cr = &res->cover[res->n_cover++];
            cr->day = (int)d;
            cr->shift_id = id.shift[r->posts[k].shift];
            cr->site_id = site_of(&id, r, (int)k);
            cr->skill_id = skill_of(&id, r, (int)k);
            cr->requirement = c->requirement;
            cr->assigned = n;
            cr->under_penalty = n < c->requirement ? c->under_weight * (c->requirement - n) : 0.0;
            cr->over_penalty = n > c->requirement ? c->over_weight * (n - c->requirement) : 0.0;
            res->penalty[SP_RPEN_COVER_UNDER] += cr->under_penalty;
            res->penalty[SP_RPEN_COVER_OVER] += cr->over_penalty;
        }
    free(id.person);
    res->objective = 0.0;
    for (int k = 0; k < SP_RPEN_COUNT; k++)
        res->objective += res->penalty[k];
    if (integral && isfinite(res->bound))
        res->bound = ceil(res->bound - 1e-6 * fmax(1.0, fabs(res->bound)));
    if (res->status == SP_STATUS_OPTIMAL || res->bound > res->objective)
        res->bound = fmin(res->bound, res->objective);
    res->gap = res->status == SP_STATUS_OPTIMAL
                   ? 0.0
                   : (res->objective - res->bound) / fmax(fabs(res->objective), 1e-9);
    return SP_OK;
}
