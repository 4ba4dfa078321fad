/* The solution object: accessors and ownership. A solution never borrows from its pool: every id it
 * hands out is its own copy, so it stays valid after the pool is freed. */
#include "internal.h"

#include <stdlib.h>

void sp_solution_free(sp_solution *sol)
{
    if (!sol)
        return;
    for (size_t i = 0; i < sol->n_strings; i++)
        free(sol->strings[i]);
    free(sol->strings);
    free(sol->assignments);
    free(sol->unmet);
    free(sol->partners);
    free(sol->resilience);
    free(sol);
}

static int copy_list(sp_solution *sol, const char ***out, char *const *ids, size_t n, size_t stride)
{
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return SP_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *id = *(char *const *)((const char *)ids + i * stride);
        char *copy = sp_strdup(id);
        if (!copy)
            return SP_ENOMEM;
        sol->strings[sol->n_strings++] = copy;
        (*out)[i] = copy;
    }
    return SP_OK;
}

int sp_solution_copy_ids(sp_solution *sol, sp_id_copies *ids, const sp_pool *pool)
{
    size_t total = pool->n_partners + pool->n_sites + pool->n_skills + pool->n_staff;
    sol->strings = calloc(total ? total : 1, sizeof *sol->strings);
    if (!sol->strings)
        return SP_ENOMEM;
    int rc =
        copy_list(sol, &ids->partner, &pool->partners[0].id, pool->n_partners, sizeof(sp_partner));
    if (!rc)
        rc = copy_list(sol, &ids->site, &pool->sites[0].id, pool->n_sites, sizeof(sp_site));
    if (!rc)
        rc = copy_list(sol, &ids->skill, &pool->skills[0].id, pool->n_skills, sizeof(sp_skill));
    if (!rc)
        rc = copy_list(sol, &ids->staff, &pool->staff[0].id, pool->n_staff, sizeof(sp_staff));
    return rc;
}

void sp_id_copies_free(sp_id_copies *ids)
{
    free(ids->partner), free(ids->site), free(ids->skill), free(ids->staff);
}

int sp_solution_status(const sp_solution *sol)
{
    return sol->status;
}
int sp_solution_stop_reason(const sp_solution *sol)
{
    return sol->stop_reason;
}
double sp_solution_gap(const sp_solution *sol)
{
    return sol->gap;
}
double sp_solution_seconds(const sp_solution *sol)
{
    return sol->seconds;
}
double sp_solution_build_seconds(const sp_solution *sol)
{
    return sol->build_seconds;
}
size_t sp_solution_columns(const sp_solution *sol)
{
    return sol->columns;
}
size_t sp_solution_rows(const sp_solution *sol)
{
    return sol->rows;
}
size_t sp_solution_binaries(const sp_solution *sol)
{
    return sol->binaries;
}

int sp_solution_term(sp_term *out, const sp_solution *sol, int t)
{
    if (t < 0 || t >= SP_TERM_COUNT)
        return SP_ERANGE;
    *out = sol->terms[t];
    return SP_OK;
}

const sp_assignment *sp_solution_assignments(const sp_solution *sol, size_t *n)
{
    *n = sol->n_assignments;
    return sol->assignments;
}

const sp_unmet *sp_solution_unmet(const sp_solution *sol, size_t *n)
{
    *n = sol->n_unmet;
    return sol->unmet;
}

const sp_partner_summary *sp_solution_partners(const sp_solution *sol, size_t *n)
{
    *n = sol->n_partners;
    return sol->partners;
}

const sp_resilience *sp_solution_resilience(const sp_solution *sol, size_t *n)
{
    *n = sol->n_resilience;
    return sol->resilience;
}

const char *sp_reason_name(int reason)
{
    static const char *const names[] = {"none",           "no_skill",     "local_only",
                                        "not_authorised", "travel",       "unavailable",
                                        "partner_limit",  "fully_booked", "search_stopped"};
    return reason >= 0 && reason <= SP_REASON_SEARCH_STOPPED ? names[reason] : "unknown";
}

const char *sp_reason_text(int reason)
{
    static const char *const texts[] = {
        "met in full",
        "nobody in the pool holds the skill at the required level",
        "local-only work and none of the partner's own employees holds the skill",
        "qualified people exist but none is authorised to work for this partner",
        "qualified, authorised people exist but all are beyond their travel limit",
        "eligible people exist but none has hours in this period (leave, sickness, training)",
        "an eligible person has hours left but already serves their maximum number of partners",
        "every eligible person's hours in this period are already used",
        "eligible hours are left, but the solve stopped before proving the plan optimal"};
    return reason >= 0 && reason <= SP_REASON_SEARCH_STOPPED ? texts[reason] : "unknown reason";
}
