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
    int *limited; /* per staff: 1 if a partner-limit binary set exists */
    sp_mip *mip;
} model;

size_t sp_alloc_pk(const sp_pool *pool, int partner, int skill);
double sp_alloc_capacity(const sp_pool *pool, const sp_staff *s, int period);
double sp_alloc_hour_cost(const model *m, const pair *x);
/* First eligibility filter that (staff, demand) fails, as an SP_REASON_*; SP_REASON_NONE if none. */
int sp_alloc_eligibility(const model *m, const sp_staff *s, const sp_demand *d);
/* Fills sol's arrays and term values from the plan's column values x (NULL: no plan). */
int sp_alloc_results(sp_solution *sol, const model *m, const double *x);

#endif
