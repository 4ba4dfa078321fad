/* Column generation's pricing (docs/rota.md "Column generation"): one person's cheapest line
 * under priced costs by dynamic programming over (day, state), with a Lagrangian lower bound on
 * the cheapest line that keeps every rule. The state is the shift type worked last (or off), the
 * length of the current run and whether it began on day 0 (runs touching the horizon's edges are
 * exempt from the minimums, as in sp_rota_line_breaks), and -- in the exact mode pricing uses --
 * the worked weekends, the shifts of the one shift type whose limit can bind, and the minutes
 * (levels of the shift lengths' common divisor), as long as the table stays under 4 M cells; what
 * is not counted is priced by Lagrange multipliers raised until the line keeps it. Every line
 * returned is checked by sp_rota_line_breaks.
 *
 * It began as a copy of rota_dp.c's line search (the construction's, which has since been made
 * faster in other ways); it is kept apart because pricing needs what that one does not: the path's
 * value for the bound (round_bound), the counters, and costs that are duals instead of counts. */
#include "rota_price.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DP_ROUNDS 60
#define DP_TIE 1e-7

typedef struct dp_space {
    int T, L, S; /* shift types; run lengths kept (saturating); rule states (T + 1) * L * 2 */
    int min_work, max_work, min_off;
    int M, unit;     /* minute levels (1: minutes priced, not counted) and minutes per level */
    int min_level;   /* least level at the end */
    int max_bounded; /* a level past M - 1 breaks the maximum (else the last level saturates) */
    int W;           /* worked-weekend levels: 1 (priced by nu, not counted) or max weekends + 1 */
    int ct, C;       /* a shift type whose shifts are counted in the state (-1: none) and its
                        levels (max shifts + 1; 1: none counted) */
} dp_space;

static int state_of(const dp_space *sp, int last, int len, int exempt)
{
    return (((last + 1) * sp->L) + (len - 1)) * 2 + exempt;
}

static int forbidden_after(const sp_rota *r, int a, int b)
{
    const rt_shift *s = &r->shifts[a];
    return s->forbidden_next && (size_t)b < s->cap_forbidden && s->forbidden_next[b];
}

static void relax(double *now, int *bk, int *ps, size_t to, double v, int from, int k)
{
    if (v < now[to]) {
        now[to] = v;
        bk[to] = from;
        ps[to] = k;
    }
}

/* The cheapest line under cost (days x posts, HUGE_VAL: not allowed) plus the multipliers;
 * off_ok[d] says whether day d may be off. A state is (rule state, minute level). Returns 0 when
 * no line exists. */
static int best_path(const sp_rota *r, const double *cost, const unsigned char *off_ok,
                     double lambda, const double *mu, double nu, const dp_space *sp, double *val,
                     int *back, int *post, double *type_cost, int *type_post, int *line,
                     double *path_value)
{
    int H = r->days, T = sp->T, L = sp->L, M = sp->M, W = sp->W, C = sp->C;
    size_t K = r->n_posts, WC = (size_t)W * (size_t)C, MW = (size_t)M * WC, S = (size_t)sp->S * MW;
    for (int d = 0; d < H; d++) {
        int wk_first =
            sp_rota_is_weekend_day(r, d) && (d == 0 || !sp_rota_is_weekend_day(r, d - 1));
        int wk_second = sp_rota_is_weekend_day(r, d) && !wk_first;
        for (int t = 0; t < T; t++) {
            type_cost[t] = HUGE_VAL;
            type_post[t] = -1;
        }
        for (size_t k = 0; k < K; k++) {
            double c = cost[(size_t)d * K + k];
            int t = r->posts[k].shift;
            if (c < type_cost[t]) {
                type_cost[t] = c;
                type_post[t] = (int)k;
            }
        }
        for (int t = 0; t < T; t++)
            if (type_post[t] >= 0)
                /* a shift that gains nothing is not worked: ties go to the day off */
                type_cost[t] +=
                    lambda * r->shifts[t].length + mu[t] + (wk_first ? nu : 0.0) + DP_TIE;
        double *now = val + (size_t)d * S;
        int *bk = back + (size_t)d * S, *ps = post + (size_t)d * S;
        for (size_t s = 0; s < S; s++)
            now[s] = HUGE_VAL;
        /* from each state of the day before (day 0: the start, a run that is exempt) */
        size_t n_from = d == 0 ? 1 : S;
        for (size_t f = 0; f < n_from; f++) {
            double base = d == 0 ? 0.0 : val[(size_t)(d - 1) * S + f];
            if (base == HUGE_VAL)
                continue;
            int last = -2, len = 0, ex = 1, level = 0, wk = 0, cnt = 0;
            if (d > 0) {
                int rule = (int)(f / MW);
                level = (int)(f % MW / WC);
                wk = (int)(f % WC / (size_t)C);
                cnt = (int)(f % (size_t)C);
                ex = rule % 2;
                len = (rule / 2) % L + 1;
                last = (rule / 2) / L - 1;
            }
            if (off_ok[d] && (last < 0 || ex || len >= sp->min_work)) {
                int to = last == -1 ? state_of(sp, -1, len + 1 > L ? L : len + 1, ex)
                                    : state_of(sp, -1, 1, d == 0);
                relax(now, bk, ps, (((size_t)to * M + level) * W + wk) * C + cnt, base, (int)f, -1);
            }
            for (int t = 0; t < T; t++) {
                if (type_post[t] < 0 || type_cost[t] == HUGE_VAL)
                    continue;
                int to, wk_to = wk + (W > 1 && wk_first);
                double c = type_cost[t];
                if (last < 0) {
                    if (last == -1 && !ex && len < sp->min_off)
                        continue;
                    to = state_of(sp, t, 1, d == 0);
                    if (wk_second) {
                        c += nu;
                        wk_to += W > 1;
                    }
                } else {
                    if (forbidden_after(r, last, t))
                        continue;
                    if (sp->max_work >= 0 && len + 1 > sp->max_work)
                        continue;
                    to = state_of(sp, t, len + 1 > L ? L : len + 1, ex);
                }
                int lv = M > 1 ? level + r->shifts[t].length / sp->unit : 0;
                if (lv >= M) {
                    if (sp->max_bounded)
                        continue;
                    lv = M - 1;
                }
                if (wk_to >= W && W > 1)
                    continue; /* one worked weekend too many */
                int cnt_to = cnt + (t == sp->ct);
                if (cnt_to >= C && C > 1)
                    continue; /* one shift of the counted type too many */
                relax(now, bk, ps, (((size_t)to * M + lv) * W + wk_to) * C + cnt_to, base + c,
                      (int)f, type_post[t]);
            }
        }
    }
    long best = -1;
    const double *end = val + (size_t)(H - 1) * S;
    for (size_t s = 0; s < S; s++)
        if (end[s] < HUGE_VAL && (M == 1 || (int)(s % MW / WC) >= sp->min_level) &&
            (best < 0 || end[s] < end[best]))
            best = (long)s;
    if (best < 0)
        return 0;
    *path_value = end[best];
    for (int d = H - 1; d >= 0; d--) {
        line[d] = post[(size_t)d * S + (size_t)best];
        best = back[(size_t)d * S + (size_t)best];
    }
    return 1;
}

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Counts the minutes in the state when the lines priced by multipliers keep missing the minute
 * window (the cover weights tie many lines, so the minutes jump across it) and the table stays
 * small; returns 0 when it would not. */
#define DP_MAX_CELLS 40000000.0
static int count_minutes(dp_space *sp, const sp_rota *r, const rt_person *pe, double max_cells)
{
    int unit = 0;
    for (size_t t = 0; t < r->n_shifts; t++)
        unit = gcd(unit, r->shifts[t].length);
    if (unit <= 0)
        return 0;
    int top = pe->max_minutes >= 0 ? pe->max_minutes : pe->min_minutes;
    int M = top / unit + 1;
    if ((double)M * sp->S * sp->W * sp->C * r->days > max_cells)
        return 0;
    sp->M = M;
    sp->unit = unit;
    sp->min_level = (pe->min_minutes + unit - 1) / unit;
    sp->max_bounded = pe->max_minutes >= 0;
    return 1;
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

typedef struct dp_work {
    double *val, *mu, *mu_step, *type_cost;
    int *back, *post, *mu_dir, *type_post, *count;
} dp_work;

static void work_free(dp_work *w)
{
    free(w->val), free(w->mu), free(w->mu_step), free(w->type_cost);
    free(w->back), free(w->post), free(w->mu_dir), free(w->type_post), free(w->count);
}

static int table_alloc(dp_work *w, const dp_space *sp, int H)
{
    size_t cells = (size_t)H * (size_t)sp->S * (size_t)sp->M * (size_t)sp->W * (size_t)sp->C;
    free(w->val), free(w->back), free(w->post);
    w->val = malloc(cells * sizeof *w->val);
    w->back = malloc(cells * sizeof *w->back);
    w->post = malloc(cells * sizeof *w->post);
    return w->val && w->back && w->post ? SP_OK : SP_ENOMEM;
}

/* A lower bound on the cheapest line that keeps every hard rule, from one round's path (the
 * Lagrangian dual function at that round's multipliers). The path is the cheapest line that keeps
 * the rules held in the state, under cost plus lambda per minute, mu[t] per shift of type t, nu per
 * worked weekend and DP_TIE per shift. For a line that keeps every rule, lambda x (minutes - max)
 * (lambda >= 0) or lambda x (minutes - min) (lambda < 0), mu[t] x (count[t] - max[t]) and
 * nu x (weekends - max) are all <= 0 (mu, nu >= 0 and only rise where there is a limit), and its
 * ties add at most DP_TIE x days; so the path value minus those constants and DP_TIE x days is at
 * most that line's cost. With the minutes counted in the state they are exact and lambda is 0. */
static double round_bound(const sp_rota *r, const rt_person *pe, const dp_space *sp,
                          double path_value, double lambda, const double *mu, double nu)
{
    double lower = path_value - DP_TIE * r->days;
    if (lambda > 0.0) {
        if (pe->max_minutes < 0)
            return -HUGE_VAL; /* no maximum to price against (never happens: lambda only rises
                                 while the minutes exceed a maximum) */
        lower -= lambda * pe->max_minutes;
    } else if (lambda < 0.0) {
        lower -= lambda * pe->min_minutes;
    }
    for (int t = 0; t < sp->T; t++)
        if (mu[t] != 0.0) {
            if (pe->max_shifts[t] < 0)
                return -HUGE_VAL;
            lower -= mu[t] * pe->max_shifts[t];
        }
    if (nu != 0.0) {
        if (pe->max_weekends < 0)
            return -HUGE_VAL;
        lower -= nu * pe->max_weekends;
    }
    return lower;
}

/* Rounds of the path with the multipliers raised on what the line breaks: 1 found, 0 not.
 * With the minutes counted in the state (sp->M > 1), lambda stays 0. *lower (when not NULL) is
 * raised to the best Lagrangian bound of the rounds (round_bound). */
static int rounds(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                  const unsigned char *off_ok, const dp_space *sp, dp_work *w, double scale,
                  int *line, double *lower)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = sp->T;
    double mean_len = 0.0;
    for (int t = 0; t < T; t++)
        mean_len += r->shifts[t].length;
    mean_len = T ? fmax(1.0, mean_len / T) : 1.0;
    double lambda = 0.0, lambda_step = 0.25 * scale / mean_len, nu = 0.0, nu_step = 0.25 * scale;
    double lambda_lo = -HUGE_VAL, lambda_hi = HUGE_VAL;
    int nu_dir = 0;
    for (int t = 0; t < T; t++) {
        w->mu[t] = 0.0;
        w->mu_step[t] = 0.25 * scale;
        w->mu_dir[t] = 0;
    }
    for (int round = 0; round < DP_ROUNDS; round++) {
        double path_value;
        if (!best_path(r, cost, off_ok, lambda, w->mu, nu, sp, w->val, w->back, w->post,
                       w->type_cost, w->type_post, line, &path_value))
            return 0;
        if (lower)
            *lower = fmax(*lower, round_bound(r, pe, sp, path_value, lambda, w->mu, nu));
        unsigned broken = sp_rota_line_breaks(r, prep, p, line);
        if (!broken)
            return 1;
        if (broken & ~(unsigned)(RT_RULE_MIN_MINUTES | RT_RULE_MAX_MINUTES | RT_RULE_MAX_SHIFTS |
                                 RT_RULE_MAX_WEEKENDS))
            return 0; /* a rule the paths keep by construction: only when fixed days clash */
        long minutes = 0;
        int weekends = 0;
        for (int t = 0; t < T; t++)
            w->count[t] = 0;
        for (int d = 0; d < H; d++)
            if (line[d] >= 0) {
                int t = r->posts[line[d]].shift;
                w->count[t]++;
                minutes += r->shifts[t].length;
            }
        for (size_t e = 0; e < prep->n_weekends; e++) {
            int d = prep->weekend_first[e];
            weekends +=
                line[d] >= 0 || (d + 1 < H && sp_rota_is_weekend_day(r, d + 1) && line[d + 1] >= 0);
        }
        int low = minutes < pe->min_minutes,
            high = pe->max_minutes >= 0 && minutes > pe->max_minutes;
        /* the minutes fall as lambda rises: bracket the window, then bisect */
        if (low)
            lambda_hi = lambda;
        else if (high)
            lambda_lo = lambda;
        if (low || high) {
            if (lambda_lo > -HUGE_VAL && lambda_hi < HUGE_VAL) {
                if (lambda_hi - lambda_lo < 1e-9 * lambda_step)
                    return 0; /* the window falls between two neighbouring lines */
                lambda = 0.5 * (lambda_lo + lambda_hi);
            } else {
                lambda += low ? -lambda_step : lambda_step;
                lambda_step *= 2.0;
            }
        }
        for (int t = 0; t < T; t++)
            adjust(&w->mu[t], &w->mu_step[t], &w->mu_dir[t],
                   pe->max_shifts[t] >= 0 && w->count[t] > pe->max_shifts[t] ? 1 : 0);
        adjust(&nu, &nu_step, &nu_dir,
               pe->max_weekends >= 0 && weekends > pe->max_weekends ? 1 : 0);
    }
    return 0;
}

/* The exact table's limit for pricing (16 bytes a cell). */
#define DP_PRICE_CELLS 4000000.0

/* Counts the worked weekends in the state (exact) when the person has a limit that can bind and
 * the table stays under max_cells; returns 0 when it does not. */
static int count_weekends(dp_space *sp, const sp_rota *r, const rt_prep *prep, const rt_person *pe,
                          double max_cells)
{
    if (pe->max_weekends < 0 || (size_t)pe->max_weekends >= prep->n_weekends)
        return 0;
    if ((double)sp->S * sp->M * sp->C * (pe->max_weekends + 1) * r->days > max_cells)
        return 0;
    sp->W = pe->max_weekends + 1;
    return 1;
}

/* Counts the shifts of one type in the state (exact) when the person's limit on it could bind
 * (between 1 and days - 1; the tightest such type) and the table stays under max_cells. */
static void count_type(dp_space *sp, const sp_rota *r, const rt_person *pe, double max_cells)
{
    int best = -1;
    for (int t = 0; t < sp->T; t++)
        if (pe->max_shifts[t] > 0 && pe->max_shifts[t] < r->days &&
            (best < 0 || pe->max_shifts[t] < pe->max_shifts[best]))
            best = t;
    if (best < 0 ||
        (double)sp->S * sp->M * sp->W * (pe->max_shifts[best] + 1) * r->days > max_cells)
        return;
    sp->ct = best;
    sp->C = pe->max_shifts[best] + 1;
}

int sp_rota_price_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                       const unsigned char *off_ok, int *line, double *lower, int exact)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = (int)r->n_shifts;
    size_t K = r->n_posts;
    if (lower)
        *lower = -HUGE_VAL;
    if (H <= 0) {
        if (lower)
            *lower = 0.0;
        return 1;
    }
    dp_space sp = {.T = T,
                   .min_work = pe->min_consecutive,
                   .max_work = pe->max_consecutive,
                   .min_off = pe->min_days_off,
                   .M = 1,
                   .W = 1,
                   .ct = -1,
                   .C = 1,
                   .unit = 1};
    int L = 1;
    L = sp.max_work > L ? sp.max_work : L;
    L = sp.min_work > L ? sp.min_work : L;
    L = sp.min_off > L ? sp.min_off : L;
    if (L > H + 1)
        L = H + 1;
    sp.L = L + 1;
    sp.S = (T + 1) * sp.L * 2;
    if (exact) { /* the small counters first: weekends, one shift type, then the minutes */
        count_weekends(&sp, r, prep, pe, DP_PRICE_CELLS);
        count_type(&sp, r, pe, DP_PRICE_CELLS);
        if (pe->min_minutes > 0 || pe->max_minutes >= 0)
            count_minutes(&sp, r, pe, DP_PRICE_CELLS);
    }
    dp_work w = {0};
    size_t n = (size_t)T + 1;
    w.mu = malloc(n * sizeof *w.mu), w.mu_step = malloc(n * sizeof *w.mu_step);
    w.mu_dir = malloc(n * sizeof *w.mu_dir), w.type_cost = malloc(n * sizeof *w.type_cost);
    w.type_post = malloc(n * sizeof *w.type_post), w.count = malloc(n * sizeof *w.count);
    if (!w.mu || !w.mu_step || !w.mu_dir || !w.type_cost || !w.type_post || !w.count ||
        table_alloc(&w, &sp, H)) {
        work_free(&w);
        return SP_ENOMEM;
    }
    /* the multipliers' first steps: on the scale of the costs */
    double scale = 1.0;
    for (size_t i = 0; i < (size_t)H * K; i++)
        if (cost[i] != HUGE_VAL && fabs(cost[i]) > scale &&
            fabs(cost[i]) < 0.5 * SP_ROTA_DP_HARD_MIN)
            scale = fabs(cost[i]);
    int found = rounds(r, prep, p, cost, off_ok, &sp, &w, scale, line, lower);
    if (!found && sp.M == 1 && (pe->min_minutes > 0 || pe->max_minutes >= 0) &&
        count_minutes(&sp, r, pe, DP_MAX_CELLS)) {
        if (table_alloc(&w, &sp, H)) {
            work_free(&w);
            return SP_ENOMEM;
        }
        found = rounds(r, prep, p, cost, off_ok, &sp, &w, scale, line, lower);
    }
    work_free(&w);
    return found;
}

/* The request terms of p's costs: an on-request's weight is saved by working its shift type (it
 * is paid otherwise, a constant of the line), an off-request's paid by working it. */
static void add_requests(const sp_rota *r, size_t p, double *cost)
{
    size_t K = r->n_posts;
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        if ((size_t)q->person != p)
            continue;
        for (size_t k = 0; k < K; k++) {
            double *c = &cost[(size_t)q->day * K + k];
            if (*c == HUGE_VAL)
                continue;
            int same = r->posts[k].shift == q->shift;
            if (q->on && same)
                *c -= q->weight;
            else if (!q->on && same)
                *c += q->weight;
        }
    }
}

void sp_rota_price_costs(const sp_rota *r, const rt_prep *prep, size_t p, const double *price,
                         double *cost, unsigned char *off_ok)
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
            *c = price ? -price[d * K + k] : 0.0;
            *c += w->travel_per_minute * prep->post_travel[p * K + k];
            if (pe->published[d] >= 0)
                *c += pe->published[d] == (int)k ? -w->change : 0.0;
        }
    }
    add_requests(r, p, cost);
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
