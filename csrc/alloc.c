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
        sp_mip_set_lazy(m->mip, col, m->pairs[j].demand);
        sp_mip_set_block(m->mip, -1, col, pool->demand[m->pairs[j].demand].period);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_COST, col, sp_alloc_hour_cost(m, &m->pairs[j])));
    }
    for (size_t d = 0; d < pool->n_demand; d++) {
        const sp_demand *dem = &pool->demand[d];
        NEW_COL(col, 0.0, dem->hours, 0);
        TRY(sp_mip_set_obj(m->mip, SP_TERM_UNMET, col, pool->priority_weight[dem->priority]));
        NEW_ROW(row, SP_ROW_EQ, dem->hours);
        sp_mip_set_block(m->mip, row, col, dem->period); /* periods are the blocks */
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
            else
                sp_mip_set_block(m->mip, row_of[cell], -1, period);
        }
        if (!rc)
            rc = sp_mip_add_coef(m->mip, row_of[cell], (int)j, 1.0 + x->tau);
    }
    free(row_of);
    return rc;
}

/* Counting sort of the pairs by staff. */
static int index_pairs_by_staff(model *m)
{
    size_t n_staff = m->pool->n_staff;
    m->staff_start = calloc(n_staff + 1, sizeof *m->staff_start);
    m->staff_pairs = malloc((m->n_pairs ? m->n_pairs : 1) * sizeof *m->staff_pairs);
    int *fill = malloc((n_staff + 1) * sizeof *fill);
    if (!m->staff_start || !m->staff_pairs || !fill) {
        free(fill);
        return SP_ENOMEM;
    }
    for (size_t j = 0; j < m->n_pairs; j++)
        m->staff_start[m->pairs[j].staff + 1]++;
    for (size_t s = 0; s < n_staff; s++)
        m->staff_start[s + 1] += m->staff_start[s];
    memcpy(fill, m->staff_start, (n_staff + 1) * sizeof *fill);
    for (size_t j = 0; j < m->n_pairs; j++)
        m->staff_pairs[fill[m->pairs[j].staff]++] = (int)j;
    free(fill);
    return SP_OK;
}

/* Records that `binary` is implied by the hours of `cols`. */
static int add_link(model *m, int binary, const int *cols, size_t n, double threshold,
                    int limit_group, int limit)
{
    if (sp_grow(&m->links, &m->cap_links, m->n_links + 1, sizeof *m->links) ||
        sp_grow(&m->link_cols, &m->cap_link_cols, m->n_link_cols + n, sizeof *m->link_cols))
        return SP_ENOMEM;
    m->links[m->n_links++] = (serve_link){binary, m->n_link_cols, n, threshold, limit_group, limit};
    memcpy(m->link_cols + m->n_link_cols, cols, n * sizeof *cols);
    m->n_link_cols += n;
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

/* Records that auxiliary column `col` is set by max(0, sign * sum(cols) - offset). */
static int add_aux(model *m, int col, const int *cols, size_t n, double sign, double offset)
{
    if (sp_grow(&m->aux, &m->cap_aux, m->n_aux + 1, sizeof *m->aux) ||
        sp_grow(&m->link_cols, &m->cap_link_cols, m->n_link_cols + n, sizeof *m->link_cols))
        return SP_ENOMEM;
    m->aux[m->n_aux++] = (aux_link){col, m->n_link_cols, n, sign, offset};
    memcpy(m->link_cols + m->n_link_cols, cols, n * sizeof *cols);
    m->n_link_cols += n;
    return SP_OK;
}

/* What the binary just linked is about, for fix-and-optimise windows (alloc_windows.c): its
 * partner for a partner binary, its rule (index in pool->rules) for a depth binary. */
static int note_link_key(model *m, int key)
{
    if (sp_grow(&m->link_key, &m->cap_link_key, m->n_links, sizeof *m->link_key))
        return SP_ENOMEM;
    m->link_key[m->n_links - 1] = key;
    return SP_OK;
}

/* Partner binaries z of one person with a partner limit below the partners they could serve. */
/* sum_{d of p in t} (1 + tau) x_sd <= cap_st z_sp for every period t in which s could work on
 * two or more demand records of p: tighter than the per-pair rows, whose bounds add up to several
 * times the person's hours there (pool M: ~4 skills and sites per partner), so the relaxation can
 * no longer give a partner more of a part-served person than that person has. */
static int add_period_links(model *m, int s, int z, const int *cols, size_t n,
                            staff_pair *by_period)
{
    const sp_pool *pool = m->pool;
    for (size_t i = 0; i < n; i++)
        by_period[i] = (staff_pair){pool->demand[m->pairs[cols[i]].demand].period, cols[i]};
    qsort(by_period, n, sizeof *by_period, cmp_staff_pair);
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && by_period[end].staff == by_period[i].staff)
            end++;
        if (end - i >= 2) {
            int row, period = by_period[i].staff;
            NEW_ROW(row, SP_ROW_LE, 0.0);
            for (size_t k = i; k < end; k++)
                TRY(sp_mip_add_coef(m->mip, row, by_period[k].col, 1.0 + m->pairs[by_period[k].col].tau));
            TRY(sp_mip_add_coef(m->mip, row, z, -sp_alloc_capacity(pool, &pool->staff[s], period)));
        }
        i = end;
    }
    return SP_OK;
}

static int add_limit_for(model *m, int s, int *z_of, int *cols, staff_pair *by_period)
{
    const sp_pool *pool = m->pool;
    const sp_staff *st = &pool->staff[s];
    int limit_row, row;
    NEW_ROW(limit_row, SP_ROW_LE, st->max_partners);
    for (int i = m->staff_start[s]; i < m->staff_start[s + 1]; i++) {
        int j = m->staff_pairs[i];
        const sp_demand *d = &pool->demand[m->pairs[j].demand];
        if (z_of[d->partner] < 0) {
            NEW_COL(z_of[d->partner], 0, 1, 1);
            sp_mip_set_start_upper(m->mip, z_of[d->partner]);
            TRY(sp_mip_add_coef(m->mip, limit_row, z_of[d->partner], 1.0));
        }
        /* x <= min(h, cap / (1 + tau)) z: the tightest bound that holds per period. */
        double big_m = fmin(d->hours, sp_alloc_capacity(pool, st, d->period) / (1.0 + m->pairs[j].tau));
        NEW_ROW(row, SP_ROW_LE, 0.0);
        TRY(sp_mip_add_coef(m->mip, row, j, 1.0));
        TRY(sp_mip_add_coef(m->mip, row, z_of[d->partner], -big_m));
    }
    for (size_t p = 0; p < pool->n_partners; p++) {
        if (z_of[p] < 0)
            continue;
        size_t n = 0;
        for (int i = m->staff_start[s]; i < m->staff_start[s + 1]; i++)
            if (pool->demand[m->pairs[m->staff_pairs[i]].demand].partner == (int)p)
                cols[n++] = m->staff_pairs[i];
        TRY(add_link(m, z_of[p], cols, n, 1e-6, s, st->max_partners));
        TRY(note_link_key(m, (int)p));
        TRY(add_period_links(m, s, z_of[p], cols, n, by_period));
    }
    return SP_OK;
}

/* z binaries for staff who may serve fewer partners than they are eligible for. */
static int add_partner_limits(model *m)
{
    const sp_pool *pool = m->pool;
    m->limited = calloc(pool->n_staff ? pool->n_staff : 1, sizeof *m->limited);
    int *z_of = malloc((pool->n_partners ? pool->n_partners : 1) * sizeof *z_of);
    int *cols = malloc((m->n_pairs ? m->n_pairs : 1) * sizeof *cols);
    staff_pair *by_period = malloc((m->n_pairs ? m->n_pairs : 1) * sizeof *by_period);
    int rc = m->limited && z_of && cols && by_period ? SP_OK : SP_ENOMEM;
    for (size_t s = 0; s < pool->n_staff && !rc; s++) {
        if (pool->staff[s].max_partners <= 0)
            continue;
        int eligible_partners = 0;
        for (size_t p = 0; p < pool->n_partners; p++)
            z_of[p] = -1;
        for (int i = m->staff_start[s]; i < m->staff_start[s + 1]; i++) {
            int p = pool->demand[m->pairs[m->staff_pairs[i]].demand].partner;
            if (z_of[p] == -1) {
                z_of[p] = -2;
                eligible_partners++;
            }
        }
        if (eligible_partners <= pool->staff[s].max_partners)
            continue;
        m->limited[s] = 1;
        rc = add_limit_for(m, (int)s, z_of, cols, by_period);
    }
    free(z_of);
    free(cols);
    free(by_period);
    return rc;
}

/* The repair heuristic's hook (see sp_mip_set_repair): sets every "serves" binary from hours. */
static void repair_binaries(void *ctx, double *x1, int term)
{
    model *m = ctx;
    const sp_pool *pool = m->pool;
    for (size_t i = 0; i < m->n_links;) {
        const serve_link *link = &m->links[i];
        if (link->limit_group < 0) {
            double sum = 0.0;
            for (size_t c = 0; c < link->count; c++)
                sum += x1[m->link_cols[link->first + c] + 1];
            /* depth binaries are held at 0 before the resilience stage (sp_mip_set_first_term) */
            x1[link->binary + 1] =
                term >= SP_TERM_RESILIENCE && sum >= link->threshold - 1e-7 ? 1.0 : 0.0;
            i++;
            continue;
        }
        /* A limited person's partners: keep the `limit` with most hours. */
        size_t end = i;
        while (end < m->n_links && m->links[end].limit_group == link->limit_group)
            end++;
        for (size_t a = i; a < end; a++)
            x1[m->links[a].binary + 1] = 0.0;
        for (int chosen = 0; chosen < link->limit; chosen++) {
            double best = link->threshold;
            size_t best_at = end;
            for (size_t a = i; a < end; a++) {
                const serve_link *l = &m->links[a];
                if (x1[l->binary + 1] > 0.5)
                    continue;
                double sum = 0.0;
                for (size_t c = 0; c < l->count; c++)
                    sum += x1[m->link_cols[l->first + c] + 1];
                if (sum > best)
                    best = sum, best_at = a;
            }
            if (best_at == end)
                break;
            x1[m->links[best_at].binary + 1] = 1.0;
        }
        /* Hours for a partner given up must go, or the depth binaries set next would count them. */
        for (size_t a = i; a < end; a++)
            if (x1[m->links[a].binary + 1] < 0.5)
                for (size_t c = 0; c < m->links[a].count; c++)
                    x1[m->link_cols[m->links[a].first + c] + 1] = 0.0;
        i = end;
    }
    /* Unmet hours from the hours given (partners given up above lose theirs). */
    for (size_t d = 0; d < pool->n_demand; d++) {
        double given = 0.0;
        for (size_t j = m->demand_first[d]; j < m->demand_first[d + 1]; j++)
            given += x1[j + 1];
        x1[m->n_pairs + d + 1] = fmax(0.0, pool->demand[d].hours - given);
    }
    /* The auxiliary columns at their least feasible values, so that a plan handed on from an
     * earlier stage (where they had no cost) starts the next stage at its true term values. */
    for (size_t i = 0; i < m->n_aux; i++) {
        const aux_link *a = &m->aux[i];
        double sum = 0.0;
        for (size_t c = 0; c < a->count; c++)
            sum += x1[m->link_cols[a->first + c] + 1];
        x1[a->col + 1] = fmax(0.0, a->sign * sum - a->offset);
    }
    if (m->fairness_col >= 0) {
        for (size_t p = 0; p < pool->n_partners; p++)
            m->partner_unmet[p] = 0.0;
        for (size_t d = 0; d < pool->n_demand; d++)
            m->partner_unmet[pool->demand[d].partner] += x1[m->n_pairs + d + 1];
        double worst = 0.0;
        for (size_t p = 0; p < pool->n_partners; p++)
            if (m->partner_hours[p] > 0.0)
                worst = fmax(worst, m->partner_unmet[p] / m->partner_hours[p]);
        x1[m->fairness_col + 1] = fmin(1.0, worst);
    }
}

/* Per-staff rows of one resilience rule: y (depth) and e (share excess). */
static int add_rule_staff(model *m, const sp_rule *rule, double demand_hours,
                          const int *pair_cols, size_t n_cols, int depth_row, int *depth_col)
{
    const sp_pool *pool = m->pool;
    int col, row;
    if (rule->min_people > 0) {
        NEW_COL(col, 0, 1, 1);
        *depth_col = col;
        /* y only ever lowers the resilience term (y = 0 with short = m is always feasible), so
         * the unmet and fairness stages hold it at 0: they neither branch on it nor carry it. */
        sp_mip_set_first_term(m->mip, col, SP_TERM_RESILIENCE);
        TRY(add_link(m, col, pair_cols, n_cols, pool->min_engagement, -1, 0));
        TRY(note_link_key(m, (int)(rule - pool->rules)));
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
        TRY(add_aux(m, col, pair_cols, n_cols, 1.0, rule->max_share * demand_hours));
        for (size_t i = 0; i < n_cols; i++)
            TRY(sp_mip_add_coef(m->mip, row, pair_cols[i], 1.0));
    }
    return SP_OK;
}

static int add_rule(model *m, const sp_rule *rule, staff_pair *buf, int *cols, int *depth_cols)
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
    m->deepest_rule = rule->min_people > m->deepest_rule ? rule->min_people : m->deepest_rule;
    int depth_row = -1, col, short_col = -1;
    size_t n_depth = 0;
    if (rule->min_people > 0) {
        NEW_COL(col, 0.0, rule->min_people, 0);
        short_col = col;
        sp_mip_set_start_upper(m->mip, col);
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
        TRY(add_rule_staff(m, rule, demand_hours, cols, k, depth_row, &depth_cols[n_depth]));
        n_depth += rule->min_people > 0;
    }
    if (short_col >= 0) /* short = max(0, m - sum y) */
        TRY(add_aux(m, short_col, depth_cols, n_depth, -1.0, -(double)rule->min_people));
    return SP_OK;
}

static int add_resilience(model *m)
{
    const sp_pool *pool = m->pool;
    size_t width = m->n_pairs ? m->n_pairs : 1;
    staff_pair *buf = malloc(width * sizeof *buf);
    int *cols = malloc(width * sizeof *cols);
    int *depth_cols = malloc(width * sizeof *depth_cols);
    int rc = buf && cols && depth_cols ? SP_OK : SP_ENOMEM;
    for (size_t r = 0; r < pool->n_rules && !rc; r++)
        rc = add_rule(m, &pool->rules[r], buf, cols, depth_cols);
    free(buf);
    free(cols);
    free(depth_cols);
    return rc;
}

static int add_fairness(model *m)
{
    const sp_pool *pool = m->pool;
    int f, row;
    NEW_COL(f, 0.0, 1.0, 0);
    m->fairness_col = f;
    m->partner_hours = calloc(pool->n_partners ? pool->n_partners : 1, sizeof *m->partner_hours);
    m->partner_unmet = calloc(pool->n_partners ? pool->n_partners : 1, sizeof *m->partner_unmet);
    if (!m->partner_hours || !m->partner_unmet)
        return SP_ENOMEM;
    sp_mip_set_start_upper(m->mip, f);
    TRY(sp_mip_set_obj(m->mip, SP_TERM_FAIRNESS, f, 1.0));
    for (size_t p = 0; p < pool->n_partners; p++) {
        double partner_hours = 0.0;
        for (size_t d = 0; d < pool->n_demand; d++)
            if (pool->demand[d].partner == (int)p)
                partner_hours += pool->demand[d].hours;
        m->partner_hours[p] = partner_hours;
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

/* The scale each term's gap is measured against at least (docs/model.md "Gaps"): one hour of
 * the most important demand, one percentage point of a partner's demand, the people of the
 * deepest resilience rule (one rule wholly short), one hour at the highest rate. Only a term
 * near zero feels it: resilience at 0.02 over a bound of 0 is 100% of its value but a 150th of
 * a rule of three people. */
static void set_term_units(model *m)
{
    const sp_pool *pool = m->pool;
    double weight = 0.0, rate = 0.0;
    for (int c = 0; c < SP_PRIORITY_COUNT; c++)
        weight = fmax(weight, pool->priority_weight[c]);
    for (size_t s = 0; s < pool->n_staff; s++)
        rate = fmax(rate, pool->staff[s].cost_per_hour);
    m->term_unit[SP_TERM_UNMET] = weight;
    m->term_unit[SP_TERM_FAIRNESS] = 0.01;
    m->term_unit[SP_TERM_RESILIENCE] = m->deepest_rule > 0 ? (double)m->deepest_rule : 1.0;
    m->term_unit[SP_TERM_COST] = rate;
    for (int t = 0; t < SP_TERM_COUNT; t++)
        sp_mip_set_term_unit(m->mip, t, m->term_unit[t]);
}

static int build(model *m)
{
    m->travel = sp_travel_matrix(m->pool);
    if (!m->travel)
        return SP_ENOMEM;
    TRY(index_staff_by_skill(m));
    TRY(index_demand_by_pk(m));
    TRY(find_pairs(m));
    TRY(index_pairs_by_staff(m));
    m->mip = sp_mip_new(SP_TERM_COUNT);
    if (!m->mip)
        return SP_ENOMEM;
    sp_mip_set_repair_for_term(m->mip, repair_binaries, m);
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
    if (sp_mip_binaries(m->mip) > binaries_before) {
        TRY(sp_alloc_windows_init(m));
        sp_mip_set_window(m->mip, sp_alloc_window);
    }
    set_term_units(m);
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
    free(m->staff_start);
    free(m->staff_pairs);
    free(m->links);
    free(m->link_cols);
    free(m->aux);
    free(m->partner_hours);
    free(m->partner_unmet);
    free(m->link_key);
    free(m->window_units);
    free(m->window_mark);
    sp_mip_free(m->mip);
}

int sp_solve(sp_solution **out, const sp_pool *pool, const sp_solve_options *opts, sp_error *err)
{
    double start = sp_now();
    *out = NULL;
    sp_solve_options defaults;
    int rc = sp_take_solve_options(&opts, &defaults, err);
    if (rc)
        return rc;
    model m = {.pool = pool, .fairness_col = -1};
    rc = build(&m);
    if (rc) {
        model_free(&m);
        return sp_fail(err, rc, rc == SP_ERANGE ? "the pool is too large to model (%zu staff x %d periods)"
                                                : "out of memory building the model",
                       pool->n_staff, pool->periods);
    }
    double built = sp_now();
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
        sol->build_seconds = built - start;
        *out = sol;
        sp_ok(err);
    }
    return rc;
}
