/* Small hand-checkable pools shared by the C tests. */
#ifndef SP_TEST_POOLS_H
#define SP_TEST_POOLS_H

#include "staffpool.h"

/* One partner, one site, one person (37 h at 30 an hour, noise level 3) and demand_hours of
 * statutory noise work at level 2 in the one period. */
static sp_pool *one_person_pool(double demand_hours)
{
    sp_pool *pool = NULL;
    sp_error err;
    sp_pool_new(&pool, 1, &err);
    sp_pool_add_partner(pool, "A", NULL, 0, &err);
    sp_pool_add_site(pool, "A1", "A", NULL, 52.0, -1.0, &err);
    sp_pool_add_skill(pool, "noise", NULL, &err);
    sp_pool_add_staff(pool, "s1", NULL, "A", "A1", 37, 30, -1, 0, &err);
    sp_pool_add_staff_skill(pool, "s1", "noise", 3, &err);
    sp_pool_add_demand(pool, "A", NULL, "noise", 0, demand_hours, 2, SP_PRIORITY_STATUTORY, 0,
                       &err);
    return pool;
}

#endif
