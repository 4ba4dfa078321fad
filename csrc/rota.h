/* Private interface of the rota engine, split by job:
 *   rota.c          the handle, partners, sites, travel, skills, shift types and weights
 *   rota_people.c   people, days off, requests, cover, pins, published assignments, freeze
 *   rota_prep.c     what a solve derives from the problem first: travel minutes, who may work
 *                   which post, the assignments fixed by pins and the freeze window
 *   rota_lines.c    one person's line (post per day) checked against every hard rule
 *   rota_model.c    the MIP built from the problem (x[person, day, post] and the rules)
 *   rota_dp.c       one person's best line by dynamic programming (rota_dp.h)
 *   rota_price.c    column generation's pricing: a line and a lower bound under cover prices
 *   rota_colgen.c   column generation over lines: master LP, bound, dive, price-and-branch
 *   rota_search.c   construction, best response, column generation, whole MIP,
 *                   fix-and-optimise: sp_rota_solve
 *   rota_results.c  the roster read back: assignments, cover, people, changes, penalties
 *   rota_reasons.c  why each under-covered post is under-covered */
#ifndef SP_ROTA_H
#define SP_ROTA_H

#include "internal.h"

#define SP_ROTA_MAX_DAYS 3660
#define SP_ROTA_MAX_MINUTES 1440
#define SP_ROTA_MAX_WEIGHT 1e6

typedef struct rt_shift {
    char *id;
    int start, length;   /* minutes; start -1: not given */
    int *sites, *skills; /* lists (none: the "anywhere" site / no skill) */
    size_t n_sites, cap_sites, n_skills, cap_skills;
    int night, unpopular;
    int first_post, n_posts; /* its posts: sites x skills, set when the shift list is frozen */
    unsigned char *forbidden_next; /* per shift type: 1 if it may not follow this one next day */
    size_t cap_forbidden;
} rt_shift;

/* A post: one (site, skill) pair a shift type serves; site / skill -1: none. */
typedef struct rt_post {
    int shift, site, skill;
} rt_post;

typedef struct rt_person {
    char *id;
    int site;     /* home site, -1: none */
    int contract; /* -1: none */
    int min_minutes, max_minutes, min_consecutive, max_consecutive, min_days_off, max_weekends;
    double max_travel; /* < 0: no limit */
    int *max_shifts;   /* per shift type; -1: no limit */
    int *skills;       /* skill indices held */
    size_t n_skills, cap_skills;
    unsigned char *day_off;  /* per day */
    int *pinned, *published; /* per day: post, or -1 */
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
    double *site_lat, *site_lon; /* NAN: no coordinates */
    size_t n_sites, cap_sites, cap_site_partner, cap_site_lat, cap_site_lon;
    char **skills;
    size_t n_skills, cap_skills;
    char **contracts;
    size_t n_contracts, cap_contracts;
    rt_shift *shifts;
    size_t n_shifts, cap_shifts;
    rt_post *posts; /* set when the shift list is frozen */
    size_t n_posts;
    rt_person *people;
    size_t n_people, cap_people;
    rt_request *requests;
    size_t n_requests, cap_requests;
    rt_cover *cover; /* days x posts (day-major) */
    sp_travel_override *travel;
    size_t n_travel, cap_travel;
    double travel_speed_kmh;
    sp_rota_weights weights;
    int freeze_days;
    int n_published; /* published assignments in all */
    int frozen;      /* shift types can no longer change once people, requests or cover exist */
    sp_idmap partner_ids, site_ids, skill_ids, shift_ids, person_ids, contract_ids;
};

/* Records shared by rota.c and rota_people.c. */
int sp_rota_add_named(char ***list, size_t *n, size_t *cap, sp_idmap *map, const char *kind,
                      const char *id, sp_error *err);
int sp_rota_freeze_shifts(sp_rota *r, sp_error *err);

/* What a solve derives from the problem before building anything (rota_prep.c). */
typedef struct rt_prep {
    double *travel;      /* sites x sites one-way minutes; HUGE_VAL: unreachable */
    double *post_travel; /* people x posts: minutes from the home site (0 without sites) */
    unsigned char *can;  /* people x posts: skill held, in reach, type not forbidden */
    int *hard;           /* people x days: post fixed by a pin or the freeze window, or -1 */
    int *weekend_first;  /* first day of each weekend inside the horizon */
    size_t n_weekends;
    int *group_size; /* per contract: members */
} rt_prep;

int sp_rota_prep(rt_prep *prep, const sp_rota *r, sp_error *err);
void sp_rota_prep_free(rt_prep *prep);
int sp_rota_is_weekend_day(const sp_rota *r, int d);
/* Minutes from site a to site b (-1 = none on either side: 0). */
double sp_rota_site_minutes(const sp_rota *r, const rt_prep *prep, int a, int b);

/* Whether person p may work post k on day d at all (not off, may work it). */
static inline int sp_rota_can_work(const sp_rota *r, const rt_prep *prep, size_t p, int d, size_t k)
{
    return !r->people[p].day_off[d] && prep->can[p * r->n_posts + k];
}

/* Hard rules a line may break (rota_lines.c). */
enum {
    RT_RULE_DAY_OFF = 1 << 0,
    RT_RULE_POST = 1 << 1,  /* skill, travel reach or a forbidden shift type */
    RT_RULE_FIXED = 1 << 2, /* a pin or a frozen published assignment */
    RT_RULE_SUCCESSION = 1 << 3,
    RT_RULE_MAX_SHIFTS = 1 << 4,
    RT_RULE_MIN_MINUTES = 1 << 5,
    RT_RULE_MAX_MINUTES = 1 << 6,
    RT_RULE_MAX_CONSECUTIVE = 1 << 7,
    RT_RULE_MIN_CONSECUTIVE = 1 << 8,
    RT_RULE_MIN_DAYS_OFF = 1 << 9,
    RT_RULE_MAX_WEEKENDS = 1 << 10,
    RT_RULE_COUNT = 11
};
/* Bit mask of the hard rules person p's line (post per day, -1 off) breaks; 0: feasible. */
unsigned sp_rota_line_breaks(const sp_rota *r, const rt_prep *prep, size_t p, const int *line);
const char *sp_rota_rule_name(int bit_index);

/* The model: x[person, day, post] columns (-1 where impossible). */
typedef struct rt_model {
    const sp_rota *rota;
    const rt_prep *prep;
    const int *fixed; /* NULL, or per (person, day): -2 free, -1 fixed off, k fixed to post k,
                         -3 the person is left out of the model */
    int *xcol;        /* (p * days + d) * posts + k -> column or -1 */
    int *under_col, *over_col; /* d * posts + k */
    int *ycol;                 /* p * weekends + e -> worked-weekend column or -1 */
    int fold;                  /* fold people whose whole line is fixed (see folded) */
    unsigned char *line_fixed; /* per person: every day fixed (a line known to be feasible) */
    unsigned char *folded;     /* per person: line fixed and fold set: no columns, the line enters
                                  the rows and the objective as constants */
    int const_col;
    double constant;
    int integral; /* every weight an integer: objectives are integers, bounds round up */
    sp_mip *mip;
} rt_model;

int sp_rota_build(rt_model *m);
void sp_rota_model_free(rt_model *m);
/* Roster (post per person and day, -1 off) from the model's column values. */
void sp_rota_roster_of(const rt_model *m, const double *x, int *roster);

struct sp_rota_result {
    int status, stop_reason;
    double gap, seconds, objective, bound;
    double penalty[SP_RPEN_COUNT];
    size_t columns, rows, binaries;
    char **strings;
    size_t n_strings, cap_strings;
    sp_rota_assignment *assignments;
    size_t n_assignments;
    sp_rota_cover_result *cover;
    size_t n_cover;
    sp_rota_person_result *people;
    size_t n_people;
    sp_rota_change *changes;
    size_t n_changes, cap_changes;
};

/* Cover of (day, post); all zero when none was set. */
static inline const rt_cover *sp_rota_cover_at(const sp_rota *r, size_t d, size_t k)
{
    static const rt_cover none = {0};
    return r->cover ? &r->cover[d * r->n_posts + k] : &none;
}

/* Fills res from the roster (post per person and day; NULL: no roster). */
int sp_rota_results(sp_rota_result *res, const sp_rota *r, const rt_prep *prep, const int *roster,
                    int integral);
/* Keeps a copy of s in the result; NULL on ENOMEM (s NULL: returns NULL, no error via *ok). */
const char *sp_rota_result_keep(sp_rota_result *res, const char *s, int *ok);
/* Fills reason_code / reason of every under-covered entry of res->cover. */
int sp_rota_gap_reasons(sp_rota_result *res, const sp_rota *r, const rt_prep *prep,
                        const int *roster);

#endif
