/* Private interface of the redeployment engine: the problem (redeploy.c), the model built from it
 * (redeploy.c) and the code that reads a plan back (redeploy_results.c). */
#ifndef SP_REDEPLOY_H
#define SP_REDEPLOY_H

#include "internal.h"

#define SP_RD_MAX_GRADE 1000
#define SP_RD_MAX_MONEY 1e10 /* larger amounts are unit mistakes */
#define SP_RD_MAX_WEEKS 520.0

typedef struct rd_site {
    char *id;
    int partner;
    double lat, lon;
} rd_site;

typedef struct rd_person {
    char *id, *post;
    int partner, site, home_site; /* home_site -1: home_lat/home_lon */
    double home_lat, home_lon;
    int grade;
    double pay, hours, max_travel; /* max_travel < 0: unlimited */
    int relocate, post_ends;
    double redundancy_cost; /* < 0: the rules' */
    sp_staff_skill *skills;
    size_t n_skills, cap_skills;
    int *prefs; /* partner indices, most preferred first */
    size_t n_prefs, cap_prefs;
} rd_person;

typedef struct rd_vacancy {
    char *id;
    int partner, site, skill, min_level, grade;
    double pay, hours;
    int start, kind;
} rd_vacancy;

typedef struct rd_leaving {
    char *id;
    int partner, site, skill, min_level, grade;
    double pay, hours, headcount, annual_rate;
} rd_leaving;

typedef struct rd_route {
    int from_skill, from_level, to_skill, to_level;
    double weeks, cost;
} rd_route;

struct sp_redeploy {
    int periods;
    sp_redeploy_rules rules;
    char **partners;
    size_t n_partners, cap_partners;
    int *partner_first_site;
    size_t cap_first_site;
    rd_site *sites;
    size_t n_sites, cap_sites;
    sp_travel_override *travel;
    size_t n_travel, cap_travel;
    char **skills;
    size_t n_skills, cap_skills;
    rd_person *people;
    size_t n_people, cap_people;
    rd_vacancy *vacancies;
    size_t n_vacancies, cap_vacancies;
    rd_leaving *leaving;
    size_t n_leaving, cap_leaving;
    rd_route *routes;
    size_t n_routes, cap_routes;
    sp_idmap partner_ids, site_ids, skill_ids, person_ids, vacancy_ids, leaving_ids;
};

/* A feasible (person, vacancy) pair and everything it costs: one binary column. */
typedef struct rd_pair {
    int person, vacancy;
    int route; /* -1: already qualified */
    int relocate, start, waiting;
    double travel_minutes;
    double training_cost, protection_cost, travel_cost, relocation_cost, waiting_cost;
    double cost;   /* the five above */
    double misfit; /* grades down + |hours change| / hours + preference rank */
} rd_pair;

/* The model: every vacancy (added, then expected), pairs grouped by person. */
typedef struct rd_model {
    const sp_redeploy *rd;
    double *travel;        /* site x site minutes */
    rd_vacancy *vacancies; /* added ones copied, then expected ones (ids owned by exp_ids) */
    size_t n_vacancies, cap_vacancies, n_added;
    char **exp_ids;
    size_t n_exp_ids, cap_exp_ids;
    rd_pair *pairs;
    size_t n_pairs, cap_pairs;
    size_t *person_first;    /* pairs of person s: person_first[s] .. person_first[s+1]-1 */
    int *vacancy_candidates; /* per vacancy: pairs that name it */
    sp_mip *mip;
} rd_model;

/* The first filter of docs/redeployment.md "Feasible pairs" that person s fails for vacancy v (an
 * SP_RREASON_* from GRADE to TRAINING_TIME), or SP_RREASON_NONE with *pair filled. */
int sp_rd_check(const rd_model *m, int s, int v, rd_pair *pair);
/* One-way minutes from person s's home to site b, and to the person's current site. */
double sp_rd_home_minutes(const rd_model *m, const rd_person *p, int site);
double sp_rd_redundancy_cost(const sp_redeploy *rd, const rd_person *p);

struct sp_redeploy_result {
    int status, stop_reason;
    double gap, seconds;
    sp_term terms[SP_RTERM_COUNT];
    size_t columns, rows, n_pairs;
    char **strings;
    size_t n_strings, cap_strings;
    sp_redeploy_outcome *outcomes;
    size_t n_outcomes;
    sp_redeploy_fill *fills;
    size_t n_fills;
    sp_redeploy_totals totals;
};

/* Fills res's arrays, totals and term values from the plan's column values x (NULL: no plan). */
int sp_rd_results(sp_redeploy_result *res, const rd_model *m, const double *x);

#endif
