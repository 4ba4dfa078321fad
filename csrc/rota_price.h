/* Column generation's pricing: one person's cheapest line under priced costs, with a Lagrangian
 * lower bound (rota_price.c; docs/rota.md "Column generation"). */
#ifndef SP_ROTA_PRICE_H
#define SP_ROTA_PRICE_H

#include "rota_dp.h"

/* The cheapest line for p under cost (days x posts, HUGE_VAL: not allowed; off_ok[d]: day d may
 * be off) that breaks no hard rule, into line (post per day, -1 off): 1 found, 0 none found,
 * SP_ENOMEM. *lower (when not NULL) is set to a lower bound on the cost (sum of cost over the
 * worked days) of every line of p that breaks no hard rule: the best Lagrangian bound over the
 * multiplier rounds (-HUGE_VAL when none could be computed); valid whether or not a line is
 * found. exact: the one line DP of rota_dp.c (sp_rota_dp_search) with the minutes counted in the
 * state from the start (table under 400 MB), and the worked weekends and the one shift type whose
 * limit binds first too while it stays under 64 MB, leaving only the rest to multipliers: the line
 * is then the cheapest one whenever those do not bind (a wrong "no better line" would end column
 * generation early and weaken its bound). 0: the construction's search (everything priced first,
 * the minutes counted only when that finds no line). */
int sp_rota_price_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                       const unsigned char *off_ok, int *line, double *lower, int exact);
/* p's own per (day, post) costs relative to being off -- travel, requests, the change penalty,
 * as in sp_rota_dp_costs but without the cover -- minus price[d * posts + k] (NULL: none): the
 * pricing costs, price being the cover rows' duals. HUGE_VAL where p may not work; off_ok as in
 * sp_rota_dp_costs. */
void sp_rota_price_costs(const sp_rota *r, const rt_prep *prep, size_t p, const double *price,
                         double *cost, unsigned char *off_ok);
/* What p's line pays whatever it works: the weights of p's on-requests and the change penalty of
 * every published assignment of p. A line's own cost = this + sp_rota_dp_value under the costs of
 * sp_rota_price_costs with no price. */
double sp_rota_price_constant(const sp_rota *r, size_t p);

#endif
