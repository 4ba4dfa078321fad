/* Reads a roster back from the MIP's column values: the worked shifts, cover per (day, shift),
 * each person's totals and request penalties, and the objective recomputed from the roster itself
 * (not taken from the solver), so that what is reported is what the roster costs. */
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
    free(res);
}

int sp_rota_result_status(const sp_rota_result *res) { return res->status; }
int sp_rota_result_stop_reason(const sp_rota_result *res) { return res->stop_reason; }
double sp_rota_result_gap(const sp_rota_result *res) { return res->gap; }
double sp_rota_result_seconds(const sp_rota_result *res) { return res->seconds; }
double sp_rota_result_objective(const sp_rota_result *res) { return res->objective; }
double sp_rota_result_bound(const sp_rota_result *res) { return res->bound; }
size_t sp_rota_result_columns(const sp_rota_result *res) { return res->columns; }
size_t sp_rota_result_rows(const sp_rota_result *res) { return res->rows; }
size_t sp_rota_result_binaries(const sp_rota_result *res) { return res->binaries; }

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

/* Shift (index) worked by person p on day d, or -1. */
static int worked(const rt_model *m, const double *x, size_t p, size_t d)
{
    const sp_rota *r = m->rota;
    size_t T = r->n_shifts, H = (size_t)r->days;
    for (size_t t = 0; t < T; t++) {
        int c = m->xcol[(p * H + d) * T + t];
        if (c >= 0 && x[c] > 0.5)
            return (int)t;
    }
    return -1;
}

int sp_rota_results(sp_rota_result *res, const rt_model *m, const double *x)
{
    const sp_rota *r = m->rota;
    size_t P = r->n_people, T = r->n_shifts, H = (size_t)r->days;
    if (!x) {
        res->objective = NAN;
        res->gap = NAN;
        return SP_OK;
    }
    /* strings: people then shifts */
    res->strings = calloc(P + T + 1, sizeof *res->strings);
    if (!res->strings)
        return SP_ENOMEM;
    for (size_t p = 0; p < P; p++)
        if (!(res->strings[res->n_strings++] = sp_strdup(r->people[p].id)))
            return SP_ENOMEM;
    for (size_t t = 0; t < T; t++)
        if (!(res->strings[res->n_strings++] = sp_strdup(r->shifts[t].id)))
            return SP_ENOMEM;
    const char *const *pid = (const char *const *)res->strings;
    const char *const *sid = (const char *const *)res->strings + P;

    int *roster = malloc((P * H > 0 ? P * H : 1) * sizeof *roster);
    res->people = calloc(P ? P : 1, sizeof *res->people);
    res->cover = calloc(H * T > 0 ? H * T : 1, sizeof *res->cover);
    res->assignments = malloc((P * H > 0 ? P * H : 1) * sizeof *res->assignments);
    if (!roster || !res->people || !res->cover || !res->assignments) {
        free(roster);
        return SP_ENOMEM;
    }
    for (size_t p = 0; p < P; p++) {
        sp_rota_person_result *pr = &res->people[res->n_people++];
        pr->person_id = pid[p];
        for (size_t d = 0; d < H; d++) {
            int t = roster[p * H + d] = worked(m, x, p, d);
            if (t < 0)
                continue;
            res->assignments[res->n_assignments++] =
                (sp_rota_assignment){.person_id = pid[p], .day = (int)d, .shift_id = sid[t]};
            pr->shifts++;
            pr->minutes += r->shifts[t].length;
        }
        for (size_t d = 0; d < H; d++) {
            int weekend = (r->first_weekday + (int)d) % 7 >= 5;
            int first = weekend && (d == 0 || (r->first_weekday + (int)d - 1) % 7 < 5);
            if (!first)
                continue;
            int any = roster[p * H + d] >= 0 ||
                      (d + 1 < H && (r->first_weekday + (int)d + 1) % 7 >= 5 &&
                       roster[p * H + d + 1] >= 0);
            pr->weekends += any;
        }
    }
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        int t = roster[(size_t)q->person * H + q->day];
        if (q->on && t != q->shift) {
            res->people[q->person].shift_on_penalty += q->weight;
            res->penalty[SP_RPEN_SHIFT_ON] += q->weight;
        } else if (!q->on && t == q->shift) {
            res->people[q->person].shift_off_penalty += q->weight;
            res->penalty[SP_RPEN_SHIFT_OFF] += q->weight;
        }
    }
    for (size_t d = 0; d < H; d++)
        for (size_t t = 0; t < T; t++) {
            const rt_cover *c = sp_rota_cover_at(r, d, t);
            int n = 0;
            for (size_t p = 0; p < P; p++)
                n += roster[p * H + d] == (int)t;
            sp_rota_cover_result *cr = &res->cover[res->n_cover++];
            cr->day = (int)d;
            cr->shift_id = sid[t];
            cr->requirement = c->requirement;
            cr->assigned = n;
            cr->under_penalty = n < c->requirement ? c->under_weight * (c->requirement - n) : 0.0;
            cr->over_penalty = n > c->requirement ? c->over_weight * (n - c->requirement) : 0.0;
            res->penalty[SP_RPEN_COVER_UNDER] += cr->under_penalty;
            res->penalty[SP_RPEN_COVER_OVER] += cr->over_penalty;
        }
    free(roster);
    res->objective = 0.0;
    for (int k = 0; k < SP_RPEN_COUNT; k++)
        res->objective += res->penalty[k];
    if (m->integral && isfinite(res->bound))
        res->bound = ceil(res->bound - 1e-6 * fmax(1.0, fabs(res->bound)));
    if (res->status == SP_STATUS_OPTIMAL || res->bound > res->objective)
        res->bound = fmin(res->bound, res->objective);
    res->gap = res->status == SP_STATUS_OPTIMAL
                   ? 0.0
                   : (res->objective - res->bound) / fmax(fabs(res->objective), 1e-9);
    return SP_OK;
}
