/* One person's line by dynamic programming (rota_dp.c driving rota_dp_core.c). */
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
/* p's own per (day, post) costs: sp_rota_dp_costs without the cover (travel, requests, the
 * change penalty); HUGE_VAL and off_ok as there. */
void sp_rota_dp_own_costs(const sp_rota *r, const rt_prep *prep, size_t p, double *cost,
                          unsigned char *off_ok);
/* The cheapest line for p under cost that breaks no hard rule, into line (post per day, -1 off):
 * 1 found, 0 none found (the caller falls back to a MIP), SP_ENOMEM. */
int sp_rota_dp_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                    const unsigned char *off_ok, int *line);
/* sp_rota_dp_line with a lower bound and a choice of state: *lower (when not NULL) is set to a
 * lower bound on the cost of every line of p that breaks no hard rule (the best Lagrangian bound
 * over the multiplier rounds; -HUGE_VAL when none), valid whether or not a line is found. exact 0:
 * every counted rule priced by multipliers, the minutes counted only when those fail (the
 * construction's search); 1: the minutes, the worked weekends and the shifts of the one type whose
 * limit binds first held in the state from the start while the table stays under 400 MB (the
 * pricing's: the line is the cheapest whenever the rest do not bind). */
int sp_rota_dp_search(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                      const unsigned char *off_ok, int *line, double *lower, int exact);
/* Sum of cost over the days line works. */
double sp_rota_dp_value(const sp_rota *r, const double *cost, const int *line);

#endif
