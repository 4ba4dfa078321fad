/* Pooled allocation: turns a pool into the MIP of docs/model.md through the solver layer's
 * interface (never GLPK directly), then reads the plan back into a solution. Results are computed
 * from the hours in the plan, not from the solver's auxiliary variables, so what is reported is
 * what the plan does. */
#include "alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


size_t sp_alloc_pk(const sp_pool *pool, int partner, int skill)
{
    return (size_t)partner * pool->n_skills + (size_t)skill;
}

double sp_alloc_capacity(const sp_pool *pool, const sp_staff *s, int period)
{
    return (1.0 - pool->reserve_share) * s->available[period];
}

double sp_alloc_hour_cost(const model *m, const pair *x)
{
    return m->pool->staff[x->staff].cost_per_hour * (1.0 + x->tau);
}

static double travel_minutes(const model *m, const sp_staff *s, const sp_demand *d)
{
    return m->travel[(size_t)s->site * m->pool->n_sites + (size_t)d->site];
}

/* Counting sort of the pool's staff by skill held. */
static int index_staff_by_skill(model *m)
{
    const sp_pool *pool = m->pool;
    size_t total = 0;
    for (size_t i = 0; i < pool->n_staff; i++)
        total += pool->staff[i].n_skills;
    m->skill_start = calloc(pool->n_skills + 1, sizeof *m->skill_start);
    m->skill_staff = malloc((total ? total : 1) * sizeof *m->skill_staff);
    if (!m->skill_start || !m->skill_staff)
        return SP_ENOMEM;
    for (size_t i = 0; i < pool->n_staff; i++)
        for (size_t j = 0; j < pool->staff[i].n_skills; j++)
            m->skill_start[pool->staff[i].skills[j].skill + 1]++;
    for (size_t k = 0; k < pool->n_skills; k++)
        m->skill_start[k + 1] += m->skill_start[k];
    int *fill = malloc((pool->n_skills + 1) * sizeof *fill);
    if (!fill)
        return SP_ENOMEM;
    memcpy(fill, m->skill_start, (pool->n_skills + 1) * sizeof *fill);
    for (size_t i = 0; i < pool->n_staff; i++)
        for (size_t j = 0; j < pool->staff[i].n_skills; j++)
            m->skill_staff[fill[pool->staff[i].skills[j].skill]++] = (int)i;
    free(fill);
    return SP_OK;
}

/* Counting sort of demand by (partner, skill). */
static int index_demand_by_pk(model *m)
{
    const sp_pool *pool = m->pool;
    size_t n_pk = pool->n_partners * pool->n_skills;
    m->pk_start = calloc(n_pk + 1, sizeof *m->pk_start);
    m->pk_demand = malloc((pool->n_demand ? pool->n_demand : 1) * sizeof *m->pk_demand);
    int *fill = malloc((n_pk + 1) * sizeof *fill);
    if (!m->pk_start || !m->pk_demand || !fill) {
        free(fill);
        return SP_ENOMEM;
    }
    for (size_t d = 0; d < pool->n_demand; d++)
        m->pk_start[sp_alloc_pk(pool, pool->demand[d].partner, pool->demand[d].skill) + 1]++;
    for (size_t i = 0; i < n_pk; i++)
        m->pk_start[i + 1] += m->pk_start[i];
    memcpy(fill, m->pk_start, (n_pk + 1) * sizeof *fill);
    for (size_t d = 0; d < pool->n_demand; d++)
        m->pk_demand[fill[sp_alloc_pk(pool, pool->demand[d].partner, pool->demand[d].skill)]++] =
            (int)d;
    free(fill);
    return SP_OK;
}

/* The filters of docs/model.md "Eligibility", in the order the unmet reasons use them. The
 * return value is the first filter that fails (an SP_REASON_*), or SP_REASON_NONE if eligible. */
int sp_alloc_eligibility(const model *m, const sp_staff *s, const sp_demand *d)
{
    if (sp_staff_level(s, d->skill) < d->min_level)
        return SP_REASON_NO_SKILL;
    if (d->local_only && s->partner != d->partner)
        return SP_REASON_LOCAL_ONLY;
    if (!sp_staff_authorised(s, d->partner))
        return SP_REASON_NOT_AUTHORISED;
    if (s->max_travel >= 0 && travel_minutes(m, s, d) > s->max_travel)
        return SP_REASON_TRAVEL;
    if (sp_alloc_capacity(m->pool, s, d->period) <= 0)
        return SP_REASON_UNAVAILABLE;
    return SP_REASON_NONE;
}

static int find_pairs(model *m)
{
    const sp_pool *pool = m->pool;
    m->demand_first = malloc((pool->n_demand + 1) * sizeof *m->demand_first);
    if (!m->demand_first)
        return SP_ENOMEM;
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        m->demand_first[d] = m->n_pairs;
        for (int i = m->skill_start[dem->skill]; i < m->skill_start[dem->skill + 1]; i++) {
            const sp_staff *s = &pool->staff[m->skill_staff[i]];
            if (sp_alloc_eligibility(m, s, dem) != SP_REASON_NONE)
                continue;
            if (sp_grow(&m->pairs, &m->cap_pairs, m->n_pairs + 1, sizeof *m->pairs))
                return SP_ENOMEM;
            double tau = 2.0 * travel_minutes(m, s, dem) / 60.0 / pool->visit_hours;
            m->pairs[m->n_pairs++] = (pair){m->skill_staff[i], (int)d, tau};
        }
    }
    m->demand_first[pool->n_demand] = m->n_pairs;
    return SP_OK;
}

#define TRY(expr)                                                                                   \
    do {                                                                                            \
        int try_rc_ = (expr);                                                                       \
        if (try_rc_ < 0)                                                                            \
            return try_rc_;                                                                         \
    } while (0)

/* Column of a new variable, or a negative code returned from the calling function. */
#define NEW_COL(var, lb, ub, binary)                                                                \
    do {                                                                                            \
        var = sp_mip_add_col(m->mip, lb, ub, binary);                                               \
        if (var < 0)                                                                                \
            return var;                                                                             \
    } while (0)

#define NEW_ROW(var, type, rhs)                                                                     \
    do {                                                                                            \
        var = sp_mip_add_row(m->mip, type, rhs);                                                    \
        if (var < 0)                                                                                \
            return var;                                                                             \
    } while (0)

/* x columns are 0..n_pairs-1, u columns follow: u of demand d is column n_pairs + d. */
static int add_hours_and_demand(model *m)
{
    const sp_pool *pool = m->pool;
    int col, row;
    for (size_t j = 0; j < m->n_pairs; j++) {
        NEW_COL(col, 0.0, HUGE_VAL, 0);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_COST, col, sp_alloc_hour_cost(m, &m->pairs[j])));
    }
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        NEW_COL(col, 0.0, dem->hours, 0);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_UNMET, col, pool->priority_weight[dem->priority]));
        NEW_ROW(row, SP_ROW_EQ, dem->hours);
        TRY(sp_mip_add_coef(m->mip, row, col, 1.0));
        for (size_t j = m->demand_first[d]; j < m->demand_first[d + 1]; j++)
            TRY(sp_mip_add_coef(m->mip, row, (int)j, 1.0));
    }
    return SP_OK;
}

static int add_capacity(model *m)
{
    const sp_pool *pool = m->pool;
    size_t cells = pool->n_staff * (size_t)pool->periods;
    if (pool->n_staff && cells / pool->n_staff != (size_t)pool->periods)
        return SP_ERANGE;
    int *row_of = malloc((cells ? cells : 1) * sizeof *row_of);
    if (!row_of)
        return SP_ENOMEM;
    for (size_t i = 0; i < cells; i++)
        row_of[i] = -1;
    int rc = SP_OK;
    for (size_t j = 0; j < m->n_pairs && !rc; j++) {
        const pair *x = &m->pairs[j];
        const sp_staff *s = &pool->staff[x->staff];
        int period = pool->demand[x->demand].period;
        size_t cell = (size_t)x->staff * (size_t)pool->periods + (size_t)period;
        if (row_of[cell] < 0) {
            row_of[cell] = sp_mip_add_row(m->mip, SP_ROW_LE, sp_alloc_capacity(pool, s, period));
            if (row_of[cell] < 0)
                rc = row_of[cell];
        }
        if (!rc)
            rc = sp_mip_add_coef(m->mip, row_of[cell], (int)j, 1.0 + x->tau);
    }
    free(row_of);
    return rc;
}

/* z binaries for staff who may serve fewer partners than they are eligible for. */
static int add_partner_limits(model *m)
{
    const sp_pool *pool = m->pool;
    m->limited = calloc(pool->n_staff ? pool->n_staff : 1, sizeof *m->limited);
    int *z_of = malloc((pool->n_partners ? pool->n_partners : 1) * sizeof *z_of);
    if (!m->limited || !z_of) {
        free(z_of);
        return SP_ENOMEM;
    }
    int rc = SP_OK;
    for (size_t s = 0; s < pool->n_staff && !rc; s++) {
        const sp_staff *st = &pool->staff[s];
        if (st->max_partners <= 0)
            continue;
        for (size_t p = 0; p < pool->n_partners; p++)
            z_of[p] = -1;
        int eligible_partners = 0;
        for (size_t j = 0; j < m->n_pairs; j++) {
            int p = pool->demand[m->pairs[j].demand].partner;
            if (m->pairs[j].staff == (int)s && z_of[p] == -1) {
                z_of[p] = -2;
                eligible_partners++;
            }
        }
        if (eligible_partners <= st->max_partners)
            continue;
        m->limited[s] = 1;
        int limit_row = sp_mip_add_row(m->mip, SP_ROW_LE, st->max_partners);
        if (limit_row < 0)
            return free(z_of), limit_row;
        for (size_t j = 0; j < m->n_pairs && !rc; j++) {
            const pair *x = &m->pairs[j];
            if (x->staff != (int)s)
                continue;
            const sp_demand *d = &pool->demand[x->demand];
            if (z_of[d->partner] < 0) {
                z_of[d->partner] = sp_mip_add_col(m->mip, 0, 1, 1);
                if (z_of[d->partner] < 0 ||
                    sp_mip_add_coef(m->mip, limit_row, z_of[d->partner], 1.0)) {
                    rc = SP_ENOMEM;
                    break;
                }
            }
            /* x <= min(h, cap / (1 + tau)) z: the tightest bound that holds per period. */
            double big_m = fmin(d->hours, sp_alloc_capacity(pool, st, d->period) / (1.0 + x->tau));
            int row = sp_mip_add_row(m->mip, SP_ROW_LE, 0.0);
            if (row < 0 || sp_mip_add_coef(m->mip, row, (int)j, 1.0) ||
                sp_mip_add_coef(m->mip, row, z_of[d->partner], -big_m))
                rc = SP_ENOMEM;
        }
    }
    free(z_of);
    return rc;
}

/* Per-staff rows of one resilience rule: y (depth) and e (share excess). */
static int add_rule_staff(model *m, const sp_rule *rule, double demand_hours, int staff,
                          const int *pair_cols, size_t n_cols, int depth_row)
{
    const sp_pool *pool = m->pool;
    int col, row;
    (void)staff;
    if (rule->min_people > 0) {
        NEW_COL(col, 0, 1, 1);
        NEW_ROW(row, SP_ROW_LE, 0.0); /* h_min y - sum x <= 0 */
        TRY(sp_mip_add_coef(m->mip, row, col, pool->min_engagement));
        for (size_t i = 0; i < n_cols; i++)
            TRY(sp_mip_add_coef(m->mip, row, pair_cols[i], -1.0));
        TRY(sp_mip_add_coef(m->mip, depth_row, col, 1.0));
    }
    if (rule->max_share < 1.0) {
        NEW_COL(col, 0.0, HUGE_VAL, 0);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_RESILIENCE, col, 1.0 / demand_hours));
        NEW_ROW(row, SP_ROW_LE, rule->max_share * demand_hours); /* sum x - e <= sigma H */
        TRY(sp_mip_add_coef(m->mip, row, col, -1.0));
        for (size_t i = 0; i < n_cols; i++)
            TRY(sp_mip_add_coef(m->mip, row, pair_cols[i], 1.0));
    }
    return SP_OK;
}

typedef struct staff_pair {
    int staff, col;
} staff_pair;

static int cmp_staff_pair(const void *a, const void *b)
{
    const staff_pair *x = a, *y = b;
    if (x->staff != y->staff)
        return x->staff < y->staff ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static int add_rule(model *m, const sp_rule *rule, staff_pair *buf, int *cols)
{
    const sp_pool *pool = m->pool;
    size_t pk = sp_alloc_pk(pool, rule->partner, rule->skill);
    double demand_hours = 0.0;
    size_t n = 0;
    for (int i = m->pk_start[pk]; i < m->pk_start[pk + 1]; i++) {
        int d = m->pk_demand[i];
        demand_hours += pool->demand[d].hours;
        for (size_t j = m->demand_first[d]; j < m->demand_first[d + 1]; j++)
            buf[n++] = (staff_pair){m->pairs[j].staff, (int)j};
    }
    if (demand_hours <= 0.0)
        return SP_OK; /* a rule without demand is vacuous */
    int depth_row = -1, col;
    if (rule->min_people > 0) {
        NEW_COL(col, 0.0, rule->min_people, 0);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_RESILIENCE, col, 1.0));
        NEW_ROW(depth_row, SP_ROW_GE, rule->min_people); /* sum y + short >= m */
        TRY(sp_mip_add_coef(m->mip, depth_row, col, 1.0));
    }
    qsort(buf, n, sizeof *buf, cmp_staff_pair);
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        int staff = buf[i].staff;
        while (i < n && buf[i].staff == staff)
            cols[k++] = buf[i++].col;
        TRY(add_rule_staff(m, rule, demand_hours, staff, cols, k, depth_row));
    }
    return SP_OK;
}

static int add_resilience(model *m)
{
    const sp_pool *pool = m->pool;
    size_t width = m->n_pairs ? m->n_pairs : 1;
    staff_pair *buf = malloc(width * sizeof *buf);
    int *cols = malloc(width * sizeof *cols);
    int rc = buf && cols ? SP_OK : SP_ENOMEM;
    for (size_t r = 0; r < pool->n_rules && !rc; r++)
        rc = add_rule(m, &pool->rules[r], buf, cols);
    free(buf);
    free(cols);
    return rc;
}

static int add_fairness(model *m)
{
    const sp_pool *pool = m->pool;
    int f, row;
    NEW_COL(f, 0.0, 1.0, 0);
    TRY(sp_mip_set_obj(m->mip, SP_TERM_FAIRNESS, f, 1.0));
    for (size_t p = 0; p < pool->n_partners; p++) {
        double partner_hours = 0.0;
        for (size_t d = 0; d < pool->n_demand; d++)
            if (pool->demand[d].partner == (int)p)
                partner_hours += pool->demand[d].hours;
        if (partner_hours <= 0.0)
            continue;
        NEW_ROW(row, SP_ROW_LE, 0.0); /* sum u - H_p F <= 0 */
        TRY(sp_mip_add_coef(m->mip, row, f, -partner_hours));
        for (size_t d = 0; d < pool->n_demand; d++)
            if (pool->demand[d].partner == (int)p)
                TRY(sp_mip_add_coef(m->mip, row, (int)(m->n_pairs + d), 1.0));
    }
    return SP_OK;
}

static int build(model *m)
{
    m->travel = sp_travel_matrix(m->pool);
    if (!m->travel)
        return SP_ENOMEM;
    TRY(index_staff_by_skill(m));
    TRY(index_demand_by_pk(m));
    TRY(find_pairs(m));
    m->mip = sp_mip_new(SP_TERM_COUNT);
    if (!m->mip)
        return SP_ENOMEM;
    TRY(add_hours_and_demand(m));
    TRY(add_fairness(m));
    TRY(add_capacity(m));
    size_t binaries_before = sp_mip_binaries(m->mip);
    TRY(add_partner_limits(m));
    /* Without partner limits, unmet demand and fairness do not depend on any binary (the depth
     * binaries y only ever lower the resilience term), so their stages are exact as LPs. */
    if (sp_mip_binaries(m->mip) == binaries_before) {
        sp_mip_set_lp_exact(m->mip, SP_TERM_UNMET);
        sp_mip_set_lp_exact(m->mip, SP_TERM_FAIRNESS);
    }
    TRY(add_resilience(m));
    return SP_OK;
}

static void model_free(model *m)
{
    free(m->travel);
    free(m->skill_start);
    free(m->skill_staff);
    free(m->pairs);
    free(m->demand_first);
    free(m->pk_start);
    free(m->pk_demand);
    free(m->limited);
    sp_mip_free(m->mip);
}

static int check_options(const sp_solve_options *opts, sp_error *err)
{
    if (isnan(opts->time_limit))
        return sp_fail_field(err, "options", NULL, "time_limit", "must be a number (got NaN)");
    if (!isfinite(opts->rel_gap) || opts->rel_gap < 0 || opts->rel_gap >= 1)
        return sp_fail_field(err, "options", NULL, "rel_gap", "must be in [0, 1) (got %g)",
                             opts->rel_gap);
    return SP_OK;
}

int sp_solve(sp_solution **out, const sp_pool *pool, const sp_solve_options *opts, sp_error *err)
{
    double start = sp_now();
    *out = NULL;
    sp_solve_options defaults;
    if (!opts) {
        sp_solve_options_init(&defaults);
        opts = &defaults;
    }
    int rc = check_options(opts, err);
    if (rc)
        return rc;
    model m = {.pool = pool};
    rc = build(&m);
    if (rc) {
        model_free(&m);
        return sp_fail(err, rc, rc == SP_ERANGE ? "the pool is too large to model (%zu staff x %d periods)"
                                                : "out of memory building the model",
                       pool->n_staff, pool->periods);
    }
    sp_mip_result res;
    rc = sp_mip_solve_lex(&res, m.mip, opts, err);
    sp_solution *sol = rc ? NULL : calloc(1, sizeof *sol);
    if (!rc && !sol)
        rc = sp_fail(err, SP_ENOMEM, "out of memory for the solution");
    if (!rc) {
        sol->status = res.status;
        sol->stop_reason = res.stop_reason;
        sol->columns = sp_mip_cols(m.mip);
        sol->rows = sp_mip_rows(m.mip);
        sol->binaries = sp_mip_binaries(m.mip);
        for (int t = 0; t < SP_TERM_COUNT; t++)
            sol->terms[t].bound = res.term_bound[t];
        rc = sp_alloc_results(sol, &m, res.x);
        if (rc) {
            sp_solution_free(sol);
            sol = NULL;
            sp_fail(err, rc, "out of memory reading the plan");
        }
    }
    sp_mip_result_clear(&res);
    model_free(&m);
    if (sol) {
        sol->seconds = sp_now() - start;
        *out = sol;
        sp_ok(err);
    }
    return rc;
}
