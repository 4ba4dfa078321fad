/* Private interface of the rota engine: the problem (rota.c), the MIP built from it (rota.c) and
 * the code that reads a roster back (rota_results.c). */
#ifndef SP_ROTA_H
#define SP_ROTA_H

#include "internal.h"

#define SP_ROTA_MAX_DAYS 3660
#define SP_ROTA_MAX_MINUTES 1440
#define SP_ROTA_MAX_WEIGHT 1e6

typedef struct rt_shift {
    char *id;
    int start, length; /* minutes; start -1: not given */
    int site, skill;   /* -1: none */
    unsigned char *forbidden_next; /* per shift type: 1 if it may not follow this one next day */
    size_t cap_forbidden;
} rt_shift;

typedef struct rt_person {
    char *id;
    int site; /* home site, -1: none */
    int min_minutes, max_minutes, min_consecutive, max_consecutive, min_days_off, max_weekends;
    int *max_shifts; /* per shift type; -1: no limit */
    size_t cap_max_shifts;
    int *skills; /* skill indices held */
    size_t n_skills, cap_skills;
    unsigned char *day_off; /* per day */
} rt_person;

typedef struct rt_request {
    int person, day, shift, on;
    double weight;
} rt_request;

typedef struct rt_cover {
    int requirement, hard_min, set;
    double under_weight, over_weight;
} rt_cover;

struct sp_rota {
    int days, first_weekday; /* weekday of day 0: 0 = Monday .. 6 = Sunday */
    char **partners;
    size_t n_partners, cap_partners;
    char **sites;
    int *site_partner;
    size_t n_sites, cap_sites, cap_site_partner;
    char **skills;
    size_t n_skills, cap_skills;
    rt_shift *shifts;
    size_t n_shifts, cap_shifts;
    rt_person *people;
    size_t n_people, cap_people;
    rt_request *requests;
    size_t n_requests, cap_requests;
    rt_cover *cover; /* days x shifts, grown as shifts are added (day-major, stride cap) */
    size_t cover_stride;
    int frozen; /* shift types can no longer be added once people, requests or cover exist */
    sp_idmap partner_ids, site_ids, skill_ids, shift_ids, person_ids;
};

/* The model: x[person, day, shift] columns (-1 where the pair is impossible). */
typedef struct rt_model {
    const sp_rota *rota;
    const int *fixed; /* NULL, or per (person, day): -2 free, -1 fixed off, t fixed to shift t,
                         -3 the person is left out of the model */
    int *xcol;      /* (p * days + d) * shifts + t -> column or -1 */
    int *under_col, *over_col; /* d * shifts + t */
    int const_col;
    double constant;
    int integral; /* every weight an integer: objectives are integers, bounds round up */
    sp_mip *mip;
} rt_model;

struct sp_rota_result {
    int status, stop_reason;
    double gap, seconds, objective, bound;
    double penalty[SP_RPEN_COUNT];
    size_t columns, rows, binaries;
    char **strings;
    size_t n_strings;
    sp_rota_assignment *assignments;
    size_t n_assignments;
    sp_rota_cover_result *cover;
    size_t n_cover;
    sp_rota_person_result *people;
    size_t n_people;
};

/* Cover of (day, shift); all zero when none was set. */
static inline const rt_cover *sp_rota_cover_at(const sp_rota *r, size_t d, size_t t)
{
    static const rt_cover none = {0};
    return r->cover ? &r->cover[d * r->cover_stride + t] : &none;
}

/* Fills res from the column values x (0-based; NULL: no roster). */
int sp_rota_results(sp_rota_result *res, const rt_model *m, const double *x);

#endif
