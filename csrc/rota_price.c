/* Column generation's pricing (docs/rota.md "Column generation"): one person's cheapest line under
 * the cover rows' prices, by the one dynamic programming of rota_dp.c in its exact mode, with the
 * Lagrangian lower bound the bound of column generation is built from; and the costs it prices. */
#include "rota_price.h"

#include <math.h>
#include <stddef.h>

int sp_rota_price_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                       const unsigned char *off_ok, int *line, double *lower, int exact)
{
    return sp_rota_dp_search(r, prep, p, cost, off_ok, line, lower, exact);
}

void sp_rota_price_costs(const sp_rota *r, const rt_prep *prep, size_t p, const double *price,
                         double *cost, unsigned char *off_ok)
{
    size_t HK = (size_t)r->days * r->n_posts;
    sp_rota_dp_own_costs(r, prep, p, cost, off_ok);
    if (price)
        for (size_t i = 0; i < HK; i++)
            if (cost[i] != HUGE_VAL)
                cost[i] -= price[i];
}

double sp_rota_price_constant(const sp_rota *r, size_t p)
{
    double c = 0.0;
    for (size_t i = 0; i < r->n_requests; i++)
        if ((size_t)r->requests[i].person == p && r->requests[i].on)
            c += r->requests[i].weight;
    for (int d = 0; d < r->days; d++)
        if (r->people[p].published[d] >= 0)
            c += r->weights.change;
    return c;
}
