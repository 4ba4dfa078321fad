/* One person's best line (docs/rota.md "The search" and "Column generation"): the driver of the
 * dynamic programming of rota_dp_core.c, for the construction's line search (sp_rota_dp_line) and
 * for column generation's pricing (sp_rota_dp_search with a lower bound, through
 * sp_rota_price_line).
 *
 * The rules that count over the whole horizon (minutes, shifts per type, weekends) are either
 * counters of the state or priced by Lagrange multipliers raised until the line keeps them (the
 * minutes' bisected); every line returned is checked by sp_rota_line_breaks. When the minutes are
 * priced, the cover weights tie many lines, so the minutes often jump across the person's window
 * at every multiplier: the two neighbouring lines the multiplier falls between are spliced, and
 * failing that the minutes are counted in the state, starting from the multipliers the first pass
 * ended with. Each path is the minimum of a Lagrangian relaxation of the person's line problem,
 * so its value less the multipliers' constants is a lower bound on the cheapest line that keeps
 * every rule (round_bound), valid for any multipliers. */
#include "rota_dp.h"

#include "rota_dp_core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DP_ROUNDS 60
/* The largest back-pointer table the minutes may be counted in (bytes). */
#define DP_MAX_TABLE_BYTES 400e6
/* Pricing adds the weekends and one shift type to the minutes only while the table stays under
 * this: beyond it they cost more time than their bound is worth (Curtois 21: a pricing round of 7 s
 * with the weekends counted in a 400 MB table, 1.2 s without, the bound 0.01% apart). */
#define DP_PRICE_EXTRA_BYTES 64e6

/* The last lines with too few and too many minutes, and their paths (cells per day). */
typedef struct dp_pair {
    int *few, *few_path, *many, *many_path;
    int have_few, have_many;
} dp_pair;

typedef struct splice_at {
    int day, few_first; /* the day the lines meet; which line comes first */
    double cost;
} splice_at;

static int by_cost(const void *a, const void *b)
{
    double x = ((const splice_at *)a)->cost, y = ((const splice_at *)b)->cost;
    return (x > y) - (x < y);
}

static void line_sums(const sp_rota *r, const double *cost, const int *line, long *minutes,
                      double *value)
{
    long m = 0;
    double v = 0.0;
    for (int d = 0; d < r->days; d++) {
        if (line[d] >= 0) {
            m += r->shifts[r->posts[line[d]].shift].length;
            v += cost[(size_t)d * r->n_posts + (size_t)line[d]];
        }
        minutes[d] = m;
        value[d] = v;
    }
}

#define SPLICE_TRIES 16

/* When the multipliers leave the minute window between two neighbouring lines, one with too few
 * minutes and one with too many: both are paths through the same rule states, so on a day they
 * are in the same state a line may follow one up to that day and the other after it, keeping
 * every rule the states keep, its minutes between theirs. The cheapest of those inside the window
 * that breaks no rule goes into line: 1, or 0 when none does (then the minutes are counted in the
 * state). Both lines are cheapest at (nearly) the same multipliers, so such a line is nearly so:
 * a good line, not always the cheapest one in the window. */
static int splice(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                  const dp_pair *two, int *line)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, found = 0;
    size_t n = (size_t)H + 1;
    long *few_min = malloc(n * sizeof *few_min), *many_min = malloc(n * sizeof *many_min);
    double *few_val = malloc(n * sizeof *few_val), *many_val = malloc(n * sizeof *many_val);
    splice_at *at = malloc(2 * n * sizeof *at);
    if (!few_min || !many_min || !few_val || !many_val || !at) {
        free(few_min), free(many_min), free(few_val), free(many_val), free(at);
        return SP_ENOMEM;
    }
    line_sums(r, cost, two->few, few_min, few_val);
    line_sums(r, cost, two->many, many_min, many_val);
    size_t n_at = 0;
    for (int d = 0; d + 1 < H; d++) {
        if (two->few_path[d] != two->many_path[d])
            continue;
        for (int few_first = 0; few_first < 2; few_first++) {
            const long *a = few_first ? few_min : many_min, *b = few_first ? many_min : few_min;
            const double *va = few_first ? few_val : many_val, *vb = few_first ? many_val : few_val;
            long minutes = a[d] + b[H - 1] - b[d];
            if (minutes < pe->min_minutes || (pe->max_minutes >= 0 && minutes > pe->max_minutes))
                continue;
            at[n_at++] = (splice_at){d, few_first, va[d] + vb[H - 1] - vb[d]};
        }
    }
    qsort(at, n_at, sizeof *at, by_cost);
    for (size_t i = 0; i < n_at && i < SPLICE_TRIES && !found; i++) {
        const int *first = at[i].few_first ? two->few : two->many;
        const int *then = at[i].few_first ? two->many : two->few;
        for (int d = 0; d < H; d++)
            line[d] = d <= at[i].day ? first[d] : then[d];
        found = sp_rota_line_breaks(r, prep, p, line) == 0;
    }
    free(few_min), free(many_min), free(few_val), free(many_val), free(at);
    return found;
}

/* A lower bound on the cheapest line that keeps every hard rule, from one round's path (the
 * Lagrangian dual function at that round's multipliers). The path is the cheapest line that keeps
 * the rules held in the state, under cost plus lambda per minute, mu[t] per shift of type t, nu per
 * worked weekend and DP_TIE per shift. For a line that keeps every rule, lambda x (minutes - max)
 * (lambda >= 0) or lambda x (minutes - min) (lambda < 0), mu[t] x (count[t] - max[t]) and
 * nu x (weekends - max) are all <= 0 (mu, nu >= 0 and only rise where there is a limit), and its
 * ties add at most DP_TIE x days; so the path value minus those constants and DP_TIE x days is at
 * most that line's cost. A multiplier on a rule also held in the state only weakens it. */
static double round_bound(const sp_rota *r, const rt_person *pe, double path_value,
                          const dp_mult *m)
{
    double lower = path_value - DP_TIE * r->days;
    if (m->lambda > 0.0) {
        if (pe->max_minutes < 0)
            return -HUGE_VAL; /* no maximum to price against (never happens: lambda only rises
                                 while the minutes exceed a maximum) */
        lower -= m->lambda * pe->max_minutes;
    } else if (m->lambda < 0.0) {
        lower -= m->lambda * pe->min_minutes;
    }
    for (size_t t = 0; t < r->n_shifts; t++)
        if (m->mu[t] != 0.0) {
            if (pe->max_shifts[t] < 0)
                return -HUGE_VAL;
            lower -= m->mu[t] * pe->max_shifts[t];
        }
    if (m->nu != 0.0) {
        if (pe->max_weekends < 0)
            return -HUGE_VAL;
        lower -= m->nu * pe->max_weekends;
    }
    return lower;
}

static void adjust(double *x, double *step, int *dir, int want)
{
    if (want == 0)
        return;
    if (*dir == want)
        *step *= 2.0;
    else if (*dir == -want)
        *step *= 0.5;
    *dir = want;
    *x += want * *step;
}

/* Per-type steps of the multipliers and the line's counts (T each). */
typedef struct dp_steps {
    double *mu_step;
    int *mu_dir, *count;
} dp_steps;

/* Rounds of the path with the multipliers raised on what the line breaks, from m's mu and nu
 * (those of rules held in the state set to 0; lambda from 0 while the minutes are priced, 0 while
 * they are counted): 1 found, 0 not, SP_ENOMEM. *lower (when not NULL) is raised to the best
 * Lagrangian bound of the rounds. m->nu ends as the last path's, m->mu one step further. */
static int rounds(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                  const unsigned char *off_ok, const dp_space *sp, dp_work *w, dp_mult *m,
                  const dp_steps *st, dp_pair *two, double scale, int *line, double *lower)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = sp->T;
    double mean_len = 0.0;
    for (int t = 0; t < T; t++)
        mean_len += r->shifts[t].length;
    mean_len = T ? fmax(1.0, mean_len / T) : 1.0;
    double lambda_step = 0.25 * scale / mean_len, nu_step = 0.25 * scale;
    double lambda_lo = -HUGE_VAL, lambda_hi = HUGE_VAL, nu = sp->W > 1 ? 0.0 : m->nu;
    int nu_dir = 0;
    m->lambda = 0.0;
    for (int t = 0; t < T; t++) {
        if (t == sp->ct)
            m->mu[t] = 0.0;
        st->mu_step[t] = 0.25 * scale;
        st->mu_dir[t] = 0;
    }
    two->have_few = two->have_many = 0;
    for (int round = 0; round < DP_ROUNDS; round++) {
        m->nu = nu;
        double value;
        if (!dp_best_path(r, cost, off_ok, m, sp, w, line, &value))
            return 0;
        if (lower)
            *lower = fmax(*lower, round_bound(r, pe, value, m));
        unsigned broken = sp_rota_line_breaks(r, prep, p, line);
        if (!broken)
            return 1;
        if (broken & ~(unsigned)(RT_RULE_MIN_MINUTES | RT_RULE_MAX_MINUTES | RT_RULE_MAX_SHIFTS |
                                 RT_RULE_MAX_WEEKENDS))
            return 0; /* a rule the paths keep by construction: only when fixed days clash */
        long minutes = 0;
        int weekends = 0;
        for (int t = 0; t < T; t++)
            st->count[t] = 0;
        for (int d = 0; d < H; d++)
            if (line[d] >= 0) {
                int t = r->posts[line[d]].shift;
                st->count[t]++;
                minutes += r->shifts[t].length;
            }
        for (size_t e = 0; e < prep->n_weekends; e++) {
            int d = prep->weekend_first[e];
            weekends +=
                line[d] >= 0 || (d + 1 < H && sp_rota_is_weekend_day(r, d + 1) && line[d + 1] >= 0);
        }
        int low = minutes < pe->min_minutes,
            high = pe->max_minutes >= 0 && minutes > pe->max_minutes;
        if ((low || high) && sp->M == 1) { /* kept for splice */
            memcpy(low ? two->few : two->many, line, (size_t)H * sizeof *line);
            memcpy(low ? two->few_path : two->many_path, w->path, (size_t)H * sizeof *line);
            *(low ? &two->have_few : &two->have_many) = 1;
        }
        /* the minutes fall as lambda rises: bracket the window, then bisect */
        if (low)
            lambda_hi = m->lambda;
        else if (high)
            lambda_lo = m->lambda;
        if (low || high) {
            if (lambda_lo > -HUGE_VAL && lambda_hi < HUGE_VAL) {
                if (lambda_hi - lambda_lo < 1e-9 * lambda_step)
                    break; /* the window falls between two neighbouring lines */
                m->lambda = 0.5 * (lambda_lo + lambda_hi);
            } else {
                m->lambda += low ? -lambda_step : lambda_step;
                lambda_step *= 2.0;
            }
        }
        for (int t = 0; t < T; t++)
            adjust(&m->mu[t], &st->mu_step[t], &st->mu_dir[t],
                   pe->max_shifts[t] >= 0 && st->count[t] > pe->max_shifts[t] ? 1 : 0);
        adjust(&nu, &nu_step, &nu_dir,
               pe->max_weekends >= 0 && weekends > pe->max_weekends ? 1 : 0);
    }
    return sp->M == 1 && two->have_few && two->have_many ? splice(r, prep, p, cost, two, line) : 0;
}

/* The counters pricing holds: the minutes first, while the table stays within DP_MAX_TABLE_BYTES
 * (the cover ties many lines, so priced minutes jump across the window and the line found is
 * often not the cheapest), then the weekends and the one shift type whose limit binds first, each
 * while it stays within DP_PRICE_EXTRA_BYTES. Returns SP_ENOMEM or >= 0. */
static int count_for_pricing(dp_space *sp, const sp_rota *r, const rt_prep *prep, size_t p)
{
    dp_count_minutes(sp, r, p, DP_MAX_TABLE_BYTES);
    dp_count_weekends(sp, r, prep, p, DP_PRICE_EXTRA_BYTES);
    return dp_count_type(sp, r, p, DP_PRICE_EXTRA_BYTES);
}

int sp_rota_dp_search(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                      const unsigned char *off_ok, int *line, double *lower, int exact)
{
    int H = r->days, T = (int)r->n_shifts;
    size_t K = r->n_posts, n = (size_t)T + 1, days = (size_t)H * sizeof(int);
    if (lower)
        *lower = H <= 0 ? 0.0 : -HUGE_VAL;
    if (H <= 0)
        return 1;
    dp_space sp;
    dp_work w = {0};
    dp_mult m = {0};
    dp_steps st = {0};
    dp_pair two = {0};
    m.mu = calloc(n, sizeof *m.mu);
    st.mu_step = malloc(n * sizeof *st.mu_step), st.mu_dir = malloc(n * sizeof *st.mu_dir);
    st.count = malloc(n * sizeof *st.count);
    two.few = malloc(days), two.few_path = malloc(days);
    two.many = malloc(days), two.many_path = malloc(days);
    int rc = dp_space_init(&sp, r, p);
    if (!rc && (!m.mu || !st.mu_step || !st.mu_dir || !st.count || !two.few || !two.few_path ||
                !two.many || !two.many_path))
        rc = SP_ENOMEM;
    if (!rc && exact)
        rc = count_for_pricing(&sp, r, prep, p) < 0 ? SP_ENOMEM : SP_OK;
    if (!rc)
        rc = dp_work_alloc(&w, &sp);
    int found = rc;
    if (!rc) {
        /* the multipliers' first steps: on the scale of the costs */
        double scale = 1.0;
        for (size_t i = 0; i < (size_t)H * K; i++)
            if (cost[i] != HUGE_VAL && fabs(cost[i]) > scale &&
                fabs(cost[i]) < 0.5 * SP_ROTA_DP_HARD_MIN)
                scale = fabs(cost[i]);
        found = rounds(r, prep, p, cost, off_ok, &sp, &w, &m, &st, &two, scale, line, lower);
        /* no line with the minutes priced: count them alone (the other counters out, so that
         * the table fits), starting from the multipliers the pricing of them ended with: the
         * lines are alike (Curtois 24: 41 of 55 people need one exact path, not about four) */
        if (found == 0 && sp.M == 1) {
            dp_space_free(&sp);
            found = dp_space_init(&sp, r, p);
            if (!found && dp_count_minutes(&sp, r, p, DP_MAX_TABLE_BYTES))
                found = dp_work_alloc(&w, &sp) ? SP_ENOMEM
                                               : rounds(r, prep, p, cost, off_ok, &sp, &w, &m, &st,
                                                        &two, scale, line, lower);
        }
    }
    dp_work_free(&w), dp_space_free(&sp);
    free(m.mu), free(st.mu_step), free(st.mu_dir), free(st.count);
    free(two.few), free(two.few_path), free(two.many), free(two.many_path);
    return found;
}

int sp_rota_dp_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                    const unsigned char *off_ok, int *line)
{
    return sp_rota_dp_search(r, prep, p, cost, off_ok, line, NULL, 0);
}

void sp_rota_dp_own_costs(const sp_rota *r, const rt_prep *prep, size_t p, double *cost,
                          unsigned char *off_ok)
{
    size_t H = (size_t)r->days, K = r->n_posts;
    const rt_person *pe = &r->people[p];
    const sp_rota_weights *w = &r->weights;
    for (size_t d = 0; d < H; d++) {
        int hard = prep->hard[p * H + d];
        off_ok[d] = hard < 0;
        for (size_t k = 0; k < K; k++) {
            double *c = &cost[d * K + k];
            if (!sp_rota_can_work(r, prep, p, (int)d, k) || (hard >= 0 && hard != (int)k)) {
                *c = HUGE_VAL;
                continue;
            }
            *c = w->travel_per_minute * prep->post_travel[p * K + k];
            if (pe->published[d] >= 0)
                *c += pe->published[d] == (int)k ? -w->change : 0.0;
        }
    }
    /* an on-request's weight is saved by working its shift type (it is paid otherwise, a
     * constant of the line), an off-request's paid by working it */
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        if ((size_t)q->person != p)
            continue;
        for (size_t k = 0; k < K; k++) {
            double *c = &cost[(size_t)q->day * K + k];
            if (*c == HUGE_VAL || r->posts[k].shift != q->shift)
                continue;
            *c += q->on ? -q->weight : q->weight;
        }
    }
}

void sp_rota_dp_costs(const sp_rota *r, const rt_prep *prep, size_t p, const int *assigned,
                      double *cost, unsigned char *off_ok)
{
    size_t H = (size_t)r->days, K = r->n_posts;
    sp_rota_dp_own_costs(r, prep, p, cost, off_ok);
    for (size_t d = 0; d < H; d++)
        for (size_t k = 0; k < K; k++) {
            double *c = &cost[d * K + k];
            if (*c == HUGE_VAL)
                continue;
            const rt_cover *cv = sp_rota_cover_at(r, d, k);
            int n = assigned[d * K + k];
            *c += n < cv->requirement ? -cv->under_weight : cv->over_weight;
            if (n < cv->hard_min)
                *c -= SP_ROTA_DP_HARD_MIN; /* a hard minimum outweighs every soft term */
        }
}

double sp_rota_dp_value(const sp_rota *r, const double *cost, const int *line)
{
    double v = 0.0;
    for (int d = 0; d < r->days; d++)
        if (line[d] >= 0)
            v += cost[(size_t)d * r->n_posts + (size_t)line[d]];
    return v;
}
