/* Column generation over people's lines (rota_colgen.c): a restricted master LP whose columns are
 * whole lines, priced by the dynamic programming of rota_price.c; a valid Lagrangian lower bound;
 * and price-and-branch (the master over the generated lines as a MIP). docs/rota.md "The search".
 */
#ifndef SP_ROTA_COLGEN_H
#define SP_ROTA_COLGEN_H

#include "rota.h"

typedef struct rt_colgen_out {
    double bound; /* valid lower bound on the objective (fairness >= 0 left out); -HUGE_VAL: none */
    double lp_value; /* the last master LP's value (over the columns generated) */
    int have_roster; /* roster (people x days) holds the price-and-branch MIP's roster */
    double
        mip_value;  /* its value in the master (no fairness): the caller recomputes the real one */
    int iterations; /* pricing rounds */
    int columns;    /* line columns in the master at the end */
    int converged;  /* the last round found no line with a negative reduced cost */
    double dive_value; /* the dive's roster in the master (HUGE_VAL: none) */
    double lp_seconds, dive_seconds, mip_seconds;
} rt_colgen_out;

/* Column generation until lp_deadline (or the bound meets `target`, the incumbent's value, or no
 * line prices out; integral: every objective is an integer, so the bound rounds up), then the
 * master over the generated lines as a MIP, started from `incumbent` (people x days, post per day,
 * -1 off), until mip_deadline (mip_deadline <= lp_deadline: no MIP). seeds: n_seeds more rosters
 * whose lines seed the master (the incumbent's always do). Applies only where every hard rule is
 * per person (no freeze window over a published rota); the caller checks that. Returns SP_OK (out
 * filled; out->have_roster set when the MIP gave a roster, written into roster), or SP_ENOMEM /
 * SP_ESOLVER with err filled. */
int sp_rota_colgen(rt_colgen_out *out, int *roster, const sp_rota *r, const rt_prep *prep,
                   const int *incumbent, const int *const *seeds, size_t n_seeds, double target,
                   int integral, double lp_deadline, double mip_deadline,
                   const sp_solve_options *opts, sp_error *err);

#endif
