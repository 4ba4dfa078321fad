/* Private interface between the allocation model builder (alloc.c) and the code that reads its
 * plan back (alloc_results.c). */
#ifndef SP_ALLOC_H
#define SP_ALLOC_H

#include "internal.h"

/* An eligible (staff, demand) pair: one x column. Pairs are created demand by demand, staff in
 * pool order, so column order (and so GLPK's path) depends only on the input order. */
typedef struct pair {
    int staff, demand;
    double tau; /* travel overhead hours per hour worked */
} pair;

typedef struct model {
    const sp_pool *pool;
    double *travel; /* site x site minutes */
    int *skill_start, *skill_staff; /* staff holding each skill: skill_staff[skill_start[k]..] */
    pair *pairs;
    size_t n_pairs, cap_pairs;
    size_t *demand_first; /* pairs of demand d: demand_first[d] .. demand_first[d+1]-1 */
    int *pk_start, *pk_demand; /* demand of (partner, skill) pk = p*K+k */
    int *staff_start, *staff_pairs; /* pairs of staff s: staff_pairs[staff_start[s]..] */
    int *limited; /* per staff: 1 if a partner-limit binary set exists */
    /* "serves" binaries and the hours that imply them, for the repair heuristic */
    struct serve_link *links;
    size_t n_links, cap_links;
    int *link_cols;
    size_t n_link_cols, cap_link_cols;
    int *link_key; /* per link: its partner (partner binaries) or rule (depth binaries) */
    size_t cap_link_key;
    /* fix-and-optimise's scratch (alloc_windows.c) */
    struct window_unit *window_units; /* one per limited person or resilience rule */
    unsigned char *window_mark;       /* per staff */
    /* auxiliary columns and what sets them, for the repair heuristic */
    struct aux_link *aux;
    size_t n_aux, cap_aux;
    int fairness_col;
    double *partner_hours; /* H_p */
    double *partner_unmet; /* the repair's scratch */
    int deepest_rule;      /* the largest min_people of a resilience rule with demand */
    double term_unit[SP_TERM_COUNT]; /* what each term's gap is measured against, at least */
    sp_mip *mip;
} model;

/* An auxiliary column's least feasible value given the plan: `col` = max(0, sum of link_cols
 * [first .. first+count-1] * sign - offset), where sign is +1 (share excess e: hours above
 * sigma H) or -1 (shortfall short: people missing from m, over the depth binaries). */
typedef struct aux_link {
    int col;
    size_t first, count;
    double sign, offset;
} aux_link;

/* Binary `binary` is implied by the hours of columns link_cols[first .. first+count-1]: a depth
 * binary is 1 when they reach `threshold`; the partner binaries of one limited person (same
 * `limit_group`, consecutive) are 1 for the `limit` partners with most hours. */
typedef struct serve_link {
    int binary;
    size_t first, count;
    double threshold;
    int limit_group; /* staff index for partner binaries, -1 for depth binaries */
    int limit;
} serve_link;

size_t sp_alloc_pk(const sp_pool *pool, int partner, int skill);
double sp_alloc_capacity(const sp_pool *pool, const sp_staff *s, int period);
double sp_alloc_hour_cost(const model *m, const pair *x);
/* First eligibility filter that (staff, demand) fails, as an SP_REASON_*; SP_REASON_NONE if none. */
int sp_alloc_eligibility(const model *m, const sp_staff *s, const sp_demand *d);
/* Fix-and-optimise windows (alloc_windows.c): scratch for them, and the sp_mip_window_fn. */
int sp_alloc_windows_init(model *m);
size_t sp_alloc_window(void *ctx, const double *x1, int term, unsigned round, size_t size,
                       unsigned char *free_col);
/* Fills sol's arrays and term values from the plan's column values x (NULL: no plan). */
int sp_alloc_results(sp_solution *sol, const model *m, const double *x);

#endif
