/* One person's line by dynamic programming (rota_dp.c). */
#ifndef SP_ROTA_DP_H
#define SP_ROTA_DP_H

#include "rota.h"

/* The reward for a shift toward a cover's hard minimum: more than any line's soft terms. */
#define SP_ROTA_DP_HARD_MIN 1e9

/* Per (day, post) cost of person p working it given `assigned` (days x posts: how many others
 * work it), relative to being off: the cover's marginal under/over weight, travel, requests and
 * the change penalty (fairness is left out), and SP_ROTA_DP_HARD_MIN off while a hard
 * minimum is not met; HUGE_VAL where p may not work it. off_ok[d]: day d
 * may be off (not fixed by a pin or the freeze window). */
void sp_rota_dp_costs(const sp_rota *r, const rt_prep *prep, size_t p, const int *assigned,
                      double *cost, unsigned char *off_ok);
/* The cheapest line for p under cost that breaks no hard rule, into line (post per day, -1 off):
 * 1 found, 0 none found (the caller falls back to a MIP), SP_ENOMEM. */
int sp_rota_dp_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                    const unsigned char *off_ok, int *line);
/* Like sp_rota_dp_line, and *lower (when not NULL) set to a lower bound on the cost (sum of
 * cost over the worked days) of every line of p that breaks no hard rule: the best Lagrangian
 * bound over the multiplier rounds (-HUGE_VAL when none could be computed). Valid whether or not a
 * line is found. exact: count the worked weekends and the minutes in the state from the start
 * when the table stays small (4 M cells), leaving only the shifts per type to multipliers: slower,
 * but the line is then the cheapest one whenever those limits do not bind (column generation's
 * pricing, where a wrong "no better line" ends the search early and weakens the bound). */
int sp_rota_dp_line_bound(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                          const unsigned char *off_ok, int *line, double *lower, int exact);
/* p's own per (day, post) costs relative to being off -- travel, requests, the change penalty,
 * as in sp_rota_dp_costs but without the cover -- minus price[d * posts + k] (NULL: none): the
 * pricing costs of column generation, price being the cover rows' duals. HUGE_VAL where p may
 * not work; off_ok as in sp_rota_dp_costs. */
void sp_rota_dp_costs_priced(const sp_rota *r, const rt_prep *prep, size_t p, const double *price,
                             double *cost, unsigned char *off_ok);
/* What p's line pays whatever it works: the weights of p's on-requests and the change penalty of
 * every published assignment of p. A line's own cost = this + sp_rota_dp_value under the costs of
 * sp_rota_dp_costs_priced with no price. */
double sp_rota_dp_line_constant(const sp_rota *r, size_t p);
/* Sum of cost over the days line works. */
double sp_rota_dp_value(const sp_rota *r, const double *cost, const int *line);

#endif
