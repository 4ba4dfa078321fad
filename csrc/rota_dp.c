/* One person's best line by dynamic programming over (day, state), the state being the shift
 * type worked last (or off), the length of the current run and whether that run began on day 0
 * (runs touching the horizon's edges are exempt from the minimums, as in sp_rota_line_breaks).
 * Succession, consecutive-day and days-off rules live in the state; the rules that count over the
 * whole horizon (minutes, shifts per type, weekends) are priced by Lagrange multipliers that are
 * raised until the line keeps them, and every line returned is checked by sp_rota_line_breaks.
 * It is a much faster replacement for a per-person MIP in the first roster and in the search's
 * best-response passes (docs/rota.md "The search").
 *
 * Two reductions keep the table small without changing the answer: shift types with the same
 * forbidden successors share one "worked last" state (a class), and shift types that are alike in
 * every way the states see (class, the types they may not follow, length) are one move per day,
 * the cheapest of them. With the minutes counted in the state the table is laid out level by
 * level, so each move is one pass over a row of levels, and levels from which the person's
 * minimum can no longer be reached are dropped. */
#include "rota_dp.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DP_ROUNDS 60
#define DP_TIE 1e-7
/* The largest back-pointer table the minutes may be counted in (bytes). */
#define DP_MAX_TABLE_BYTES 400e6

typedef struct dp_space {
    int T, C, G;    /* shift types; classes of "worked last"; moves (groups of types) */
    int *class_of;  /* per type: its class */
    int *class_rep; /* per class: a type of it (for its forbidden successors) */
    int *group_of;  /* per type: its move */
    int *group_rep; /* per move: a type of it (class, length, types it may not follow) */
    int L, R;       /* run lengths kept (saturating); rule states (C + 1) * L * 2 */
    int min_work, max_work, min_off;
    int M, unit;     /* minute levels (1: minutes priced, not counted) and minutes per level */
    int min_level;   /* least level at the end */
    int max_bounded; /* a level past M - 1 breaks the maximum (else the last level saturates) */
    int *floor;      /* per day: the least level from which min_level can still be reached */
} dp_space;

static int state_of(const dp_space *sp, int last_class, int len, int exempt)
{
    return (((last_class + 1) * sp->L) + (len - 1)) * 2 + exempt;
}

static int forbidden_after(const sp_rota *r, int a, int b)
{
    const rt_shift *s = &r->shifts[a];
    return s->forbidden_next && (size_t)b < s->cap_forbidden && s->forbidden_next[b];
}

/* Types a and b have the same forbidden successors (row) or predecessors (column). */
static int same_successors(const sp_rota *r, int a, int b)
{
    for (int t = 0; t < (int)r->n_shifts; t++)
        if (forbidden_after(r, a, t) != forbidden_after(r, b, t))
            return 0;
    return 1;
}

static int same_predecessors(const sp_rota *r, int a, int b)
{
    for (int t = 0; t < (int)r->n_shifts; t++)
        if (forbidden_after(r, t, a) != forbidden_after(r, t, b))
            return 0;
    return 1;
}

/* Fills the classes and moves of sp (T set); SP_ENOMEM. */
static int group_types(dp_space *sp, const sp_rota *r)
{
    int T = sp->T;
    size_t n = (size_t)T + 1;
    sp->class_of = malloc(n * sizeof(int)), sp->class_rep = malloc(n * sizeof(int));
    sp->group_of = malloc(n * sizeof(int)), sp->group_rep = malloc(n * sizeof(int));
    if (!sp->class_of || !sp->class_rep || !sp->group_of || !sp->group_rep)
        return SP_ENOMEM;
    sp->C = sp->G = 0;
    for (int t = 0; t < T; t++) {
        int c = 0;
        while (c < sp->C && !same_successors(r, sp->class_rep[c], t))
            c++;
        if (c == sp->C)
            sp->class_rep[sp->C++] = t;
        sp->class_of[t] = c;
        int g = 0;
        while (g < sp->G) {
            int u = sp->group_rep[g];
            if (sp->class_of[u] == c && r->shifts[u].length == r->shifts[t].length &&
                same_predecessors(r, u, t))
                break;
            g++;
        }
        if (g == sp->G)
            sp->group_rep[sp->G++] = t;
        sp->group_of[t] = g;
    }
    return SP_OK;
}

/* Days worked at most in n days when runs last at most max_work days and are separated by at
 * least min_off days off (an upper bound whatever state the n days start in). */
static long max_days_worked(long n, int max_work, int min_off)
{
    if (max_work < 0)
        return n;
    long cycle = (long)max_work + (min_off > 1 ? min_off : 1);
    long rest = n % cycle;
    return n / cycle * max_work + (rest < max_work ? rest : max_work);
}

typedef struct dp_work {
    double *prev, *now;    /* the rule states' level rows of the day before and of the day */
    int *back;             /* per (day, cell): the cell of the day before */
    short *move;           /* per (day, cell): the move taken (-1: off) */
    int *move_post;        /* per (day, move): the post it works (-1: none) */
    int *path;             /* per day: the cell the last path is in after it */
    int *few, *few_path;   /* the last line with too few minutes, and its path */
    int *many, *many_path; /* the last line with too many minutes, and its path */
    int have_few, have_many;
    double nu;              /* the weekend multiplier of the last path */
    int *prev_lo, *prev_hi; /* per rule state: the levels prev may hold (outside: HUGE_VAL) */
    int *now_lo, *now_hi;   /* the same for now */
    double *mu, *mu_step, *type_cost, *move_cost;
    int *mu_dir, *type_post, *count;
} dp_work;

static void relax(const dp_work *w, size_t at, size_t to, double v, int from, int move)
{
    if (v < w->now[to]) {
        w->now[to] = v;
        w->back[at + to] = from;
        w->move[at + to] = (short)move;
    }
}

/* Every level of rule state `from` (rows lo..hi reached) moved to rule state `to`, `shift`
 * levels up, at cost c. */
static void move_row(const dp_space *sp, const dp_work *w, size_t at, int from, int to, int shift,
                     int floor, double c, int move)
{
    int M = sp->M, lo = w->prev_lo[from], hi = w->prev_hi[from];
    const double *row = w->prev + (size_t)from * M;
    /* the levels this may write, kept with `to` so that the next reset finds them */
    int first = lo + shift > floor ? lo + shift : floor, last = hi + shift;
    if (last >= M)
        last = M - 1; /* bounded: no move past it; else the last level saturates */
    if (first > M - 1 && !sp->max_bounded)
        first = M - 1;
    if (first > last)
        return;
    w->now_lo[to] = first < w->now_lo[to] ? first : w->now_lo[to];
    w->now_hi[to] = last > w->now_hi[to] ? last : w->now_hi[to];
    for (int lv = lo; lv <= hi; lv++) {
        int nl = lv + shift;
        if (nl >= M) {
            if (sp->max_bounded)
                break;
            nl = M - 1;
        }
        if (nl < floor || row[lv] == HUGE_VAL)
            continue;
        relax(w, at, (size_t)to * M + nl, row[lv] + c, from * M + lv, move);
    }
}

/* The cheapest line under cost (days x posts, HUGE_VAL: not allowed) plus the multipliers;
 * off_ok[d] says whether day d may be off. A cell is (rule state, minute level). Returns 0 when
 * no line exists. */
static int best_path(const sp_rota *r, const double *cost, const unsigned char *off_ok,
                     double lambda, double nu, const dp_space *sp, dp_work *w, int *line)
{
    int H = r->days, T = sp->T, G = sp->G, L = sp->L, M = sp->M, R = sp->R;
    size_t K = r->n_posts, cells = (size_t)R * (size_t)M;
    for (size_t s = 0; s < cells; s++)
        w->prev[s] = w->now[s] = HUGE_VAL;
    for (int s = 0; s < R; s++) {
        w->prev_lo[s] = w->now_lo[s] = M;
        w->prev_hi[s] = w->now_hi[s] = -1;
    }
    for (int d = 0; d < H; d++) {
        int wk_first =
            sp_rota_is_weekend_day(r, d) && (d == 0 || !sp_rota_is_weekend_day(r, d - 1));
        int wk_second = sp_rota_is_weekend_day(r, d) && !wk_first;
        for (int t = 0; t < T; t++) {
            w->type_cost[t] = HUGE_VAL;
            w->type_post[t] = -1;
        }
        for (size_t k = 0; k < K; k++) {
            double c = cost[(size_t)d * K + k];
            int t = r->posts[k].shift;
            if (c < w->type_cost[t]) {
                w->type_cost[t] = c;
                w->type_post[t] = (int)k;
            }
        }
        int *move_post = w->move_post + (size_t)d * G;
        for (int g = 0; g < G; g++) {
            w->move_cost[g] = HUGE_VAL;
            move_post[g] = -1;
        }
        for (int t = 0; t < T; t++) {
            if (w->type_post[t] < 0)
                continue;
            /* a shift that gains nothing is not worked: ties go to the day off */
            double c = w->type_cost[t] + lambda * r->shifts[t].length + w->mu[t] +
                       (wk_first ? nu : 0.0) + DP_TIE;
            int g = sp->group_of[t];
            if (c < w->move_cost[g]) {
                w->move_cost[g] = c;
                move_post[g] = w->type_post[t];
            }
        }
        for (int s = 0; s < R; s++) { /* now held the day before yesterday */
            for (int lv = w->now_lo[s]; lv <= w->now_hi[s]; lv++)
                w->now[(size_t)s * M + lv] = HUGE_VAL;
            w->now_lo[s] = M;
            w->now_hi[s] = -1;
        }
        size_t at = (size_t)d * cells;
        int floor = sp->floor[d];
        /* from each rule state of the day before (day 0: the start, a run that is exempt) */
        int n_from = d == 0 ? 1 : R;
        for (int f = 0; f < n_from; f++) {
            int last = -2, len = 0, ex = 1;
            if (d > 0) {
                if (w->prev_lo[f] > w->prev_hi[f])
                    continue;
                ex = f % 2;
                len = (f / 2) % L + 1;
                last = (f / 2) / L - 1;
            }
            if (off_ok[d] && (last < 0 || ex || len >= sp->min_work)) {
                int to = last == -1 ? state_of(sp, -1, len + 1 > L ? L : len + 1, ex)
                                    : state_of(sp, -1, 1, d == 0);
                if (d == 0 && floor == 0) {
                    relax(w, at, (size_t)to * M, 0.0, -1, -1);
                    w->now_lo[to] = 0;
                    w->now_hi[to] = w->now_hi[to] > 0 ? w->now_hi[to] : 0;
                } else if (d > 0)
                    move_row(sp, w, at, f, to, 0, floor, 0.0, -1);
            }
            for (int g = 0; g < G; g++) {
                if (move_post[g] < 0 || w->move_cost[g] == HUGE_VAL)
                    continue;
                int t = sp->group_rep[g], cls = sp->class_of[t], to;
                double c = w->move_cost[g];
                if (last < 0) {
                    if (last == -1 && !ex && len < sp->min_off)
                        continue;
                    to = state_of(sp, cls, 1, d == 0);
                    if (wk_second)
                        c += nu;
                } else {
                    if (forbidden_after(r, sp->class_rep[last], t))
                        continue;
                    if (sp->max_work >= 0 && len + 1 > sp->max_work)
                        continue;
                    to = state_of(sp, cls, len + 1 > L ? L : len + 1, ex);
                }
                int shift = M > 1 ? r->shifts[t].length / sp->unit : 0;
                if (d == 0) {
                    int nl = shift < M ? shift : M - 1;
                    if ((shift < M || !sp->max_bounded) && nl >= floor) {
                        relax(w, at, (size_t)to * M + nl, c, -1, g);
                        w->now_lo[to] = nl < w->now_lo[to] ? nl : w->now_lo[to];
                        w->now_hi[to] = nl > w->now_hi[to] ? nl : w->now_hi[to];
                    }
                } else {
                    move_row(sp, w, at, f, to, shift, floor, c, g);
                }
            }
        }
        double *tmp = w->prev;
        w->prev = w->now;
        w->now = tmp;
        int *lo = w->prev_lo, *hi = w->prev_hi;
        w->prev_lo = w->now_lo, w->prev_hi = w->now_hi;
        w->now_lo = lo, w->now_hi = hi;
    }
    long best = -1;
    const double *end = w->prev;
    for (size_t s = 0; s < cells; s++)
        if (end[s] < HUGE_VAL && (M == 1 || (int)(s % (size_t)M) >= sp->min_level) &&
            (best < 0 || end[s] < end[best]))
            best = (long)s;
    if (best < 0)
        return 0;
    for (int d = H - 1; d >= 0; d--) {
        size_t at = (size_t)d * cells + (size_t)best;
        int g = w->move[at];
        line[d] = g < 0 ? -1 : w->move_post[(size_t)d * G + (size_t)g];
        w->path[d] = (int)best;
        best = w->back[at];
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

static void space_free(dp_space *sp)
{
    free(sp->class_of), free(sp->class_rep), free(sp->group_of), free(sp->group_rep);
    free(sp->floor);
}

/* Counts the minutes in the state when the lines priced by multipliers keep missing the minute
 * window (the cover weights tie many lines, so the minutes jump across it) and the table stays
 * small; returns 0 when it would not. */
static int count_minutes(dp_space *sp, const sp_rota *r, const rt_person *pe)
{
    int unit = 0, longest = 0;
    for (size_t t = 0; t < r->n_shifts; t++) {
        unit = gcd(unit, r->shifts[t].length);
        longest = r->shifts[t].length > longest ? r->shifts[t].length : longest;
    }
    if (unit <= 0)
        return 0;
    int top = pe->max_minutes >= 0 ? pe->max_minutes : pe->min_minutes;
    int M = top / unit + 1;
    double cells = (double)M * sp->R;
    if (cells * r->days * (sizeof(int) + sizeof(short)) > DP_MAX_TABLE_BYTES || cells > INT_MAX)
        return 0;
    sp->M = M;
    sp->unit = unit;
    sp->min_level = (pe->min_minutes + unit - 1) / unit;
    sp->max_bounded = pe->max_minutes >= 0;
    /* a level from which even the most the remaining days can add stays short is dead */
    for (int d = 0; d < r->days; d++) {
        long days = max_days_worked(r->days - 1 - d, sp->max_work, sp->min_off);
        long reach = days * (longest / unit);
        sp->floor[d] = sp->min_level - reach > 0 ? (int)(sp->min_level - reach) : 0;
    }
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

static void work_free(dp_work *w)
{
    free(w->prev), free(w->now), free(w->back), free(w->move), free(w->move_post);
    free(w->path), free(w->few), free(w->few_path), free(w->many), free(w->many_path);
    free(w->prev_lo), free(w->prev_hi), free(w->now_lo), free(w->now_hi), free(w->mu),
        free(w->mu_step), free(w->type_cost), free(w->move_cost);
    free(w->mu_dir), free(w->type_post), free(w->count);
}

static int table_alloc(dp_work *w, const dp_space *sp, int H)
{
    size_t cells = (size_t)sp->R * (size_t)sp->M;
    free(w->prev), free(w->now), free(w->back), free(w->move);
    w->prev = malloc(cells * sizeof *w->prev);
    w->now = malloc(cells * sizeof *w->now);
    w->back = malloc((size_t)H * cells * sizeof *w->back);
    w->move = malloc((size_t)H * cells * sizeof *w->move);
    return w->prev && w->now && w->back && w->move ? SP_OK : SP_ENOMEM;
}
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
static int splice(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost, dp_work *w,
                  int *line)
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
    line_sums(r, cost, w->few, few_min, few_val);
    line_sums(r, cost, w->many, many_min, many_val);
    size_t n_at = 0;
    for (int d = 0; d + 1 < H; d++) {
        if (w->few_path[d] != w->many_path[d])
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
        const int *first = at[i].few_first ? w->few : w->many;
        const int *then = at[i].few_first ? w->many : w->few;
        for (int d = 0; d < H; d++)
            line[d] = d <= at[i].day ? first[d] : then[d];
        found = sp_rota_line_breaks(r, prep, p, line) == 0;
    }
    free(few_min), free(many_min), free(few_val), free(many_val), free(at);
    return found;
}

/* Rounds of the path with the multipliers raised on what the line breaks: 1 found, 0 not.
 * With the minutes counted in the state (sp->M > 1), lambda stays 0. */
static int rounds(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                  const unsigned char *off_ok, const dp_space *sp, dp_work *w, double scale,
                  int *line)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = sp->T;
    double mean_len = 0.0;
    for (int t = 0; t < T; t++)
        mean_len += r->shifts[t].length;
    mean_len = T ? fmax(1.0, mean_len / T) : 1.0;
    double lambda = 0.0, lambda_step = 0.25 * scale / mean_len, nu_step = 0.25 * scale;
    double lambda_lo = -HUGE_VAL, lambda_hi = HUGE_VAL, nu = sp->M == 1 ? 0.0 : w->nu;
    int nu_dir = 0;
    for (int t = 0; t < T; t++) {
        /* counting the minutes, start from the multipliers the pricing of them ended with: the
         * lines are alike (Curtois 24: 41 of 55 people need one exact path, not about four) */
        if (sp->M == 1)
            w->mu[t] = 0.0;
        w->mu_step[t] = 0.25 * scale;
        w->mu_dir[t] = 0;
    }
    for (int round = 0; round < DP_ROUNDS; round++) {
        w->nu = nu;
        if (!best_path(r, cost, off_ok, lambda, nu, sp, w, line))
            return 0;
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
        if ((low || high) && sp->M == 1) { /* kept for splice */
            memcpy(low ? w->few : w->many, line, (size_t)H * sizeof *line);
            memcpy(low ? w->few_path : w->many_path, w->path, (size_t)H * sizeof *line);
            *(low ? &w->have_few : &w->have_many) = 1;
        }
        /* the minutes fall as lambda rises: bracket the window, then bisect */
        if (low)
            lambda_hi = lambda;
        else if (high)
            lambda_lo = lambda;
        if (low || high) {
            if (lambda_lo > -HUGE_VAL && lambda_hi < HUGE_VAL) {
                if (lambda_hi - lambda_lo < 1e-9 * lambda_step)
                    break; /* the window falls between two neighbouring lines */
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
    return sp->M == 1 && w->have_few && w->have_many ? splice(r, prep, p, cost, w, line) : 0;
}

int sp_rota_dp_line(const sp_rota *r, const rt_prep *prep, size_t p, const double *cost,
                    const unsigned char *off_ok, int *line)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = (int)r->n_shifts;
    size_t K = r->n_posts;
    if (H <= 0)
        return 1;
    dp_space sp = {.T = T,
                   .min_work = pe->min_consecutive,
                   .max_work = pe->max_consecutive,
                   .min_off = pe->min_days_off,
                   .M = 1,
                   .unit = 1};
    int L = 1;
    L = sp.max_work > L ? sp.max_work : L;
    L = sp.min_work > L ? sp.min_work : L;
    L = sp.min_off > L ? sp.min_off : L;
    if (L > H + 1)
        L = H + 1;
    sp.L = L + 1;
    dp_work w = {0};
    size_t n = (size_t)T + 1;
    sp.floor = calloc((size_t)H, sizeof *sp.floor);
    w.mu = malloc(n * sizeof *w.mu), w.mu_step = malloc(n * sizeof *w.mu_step);
    w.mu_dir = malloc(n * sizeof *w.mu_dir), w.type_cost = malloc(n * sizeof *w.type_cost);
    w.type_post = malloc(n * sizeof *w.type_post), w.count = malloc(n * sizeof *w.count);
    w.move_cost = malloc(n * sizeof *w.move_cost);
    size_t days = (size_t)H * sizeof(int);
    w.path = malloc(days), w.few = malloc(days), w.few_path = malloc(days);
    w.many = malloc(days), w.many_path = malloc(days);
    int rc = sp.floor && w.mu && w.mu_step && w.mu_dir && w.type_cost && w.type_post && w.count &&
                     w.move_cost && w.path && w.few && w.few_path && w.many && w.many_path
                 ? group_types(&sp, r)
                 : SP_ENOMEM;
    if (!rc) {
        sp.R = (sp.C + 1) * sp.L * 2;
        size_t rules = (size_t)sp.R * sizeof(int);
        w.prev_lo = malloc(rules), w.prev_hi = malloc(rules);
        w.now_lo = malloc(rules), w.now_hi = malloc(rules);
        w.move_post = malloc((size_t)H * (size_t)sp.G * sizeof *w.move_post + 1);
        if (!w.prev_lo || !w.prev_hi || !w.now_lo || !w.now_hi || !w.move_post || sp.G > SHRT_MAX)
            rc = SP_ENOMEM;
    }
    if (rc || table_alloc(&w, &sp, H)) {
        work_free(&w), space_free(&sp);
        return SP_ENOMEM;
    }
    /* the multipliers' first steps: on the scale of the costs */
    double scale = 1.0;
    for (size_t i = 0; i < (size_t)H * K; i++)
        if (cost[i] != HUGE_VAL && fabs(cost[i]) > scale &&
            fabs(cost[i]) < 0.5 * SP_ROTA_DP_HARD_MIN)
            scale = fabs(cost[i]);
    int found = rounds(r, prep, p, cost, off_ok, &sp, &w, scale, line);
    if (!found && (pe->min_minutes > 0 || pe->max_minutes >= 0) && count_minutes(&sp, r, pe)) {
        if (table_alloc(&w, &sp, H)) {
            work_free(&w), space_free(&sp);
            return SP_ENOMEM;
        }
        found = rounds(r, prep, p, cost, off_ok, &sp, &w, scale, line);
    }
    work_free(&w), space_free(&sp);
    return found;
}

void sp_rota_dp_costs(const sp_rota *r, const rt_prep *prep, size_t p, const int *assigned,
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
            const rt_cover *cv = sp_rota_cover_at(r, d, k);
            int n = assigned[d * K + k];
            *c = n < cv->requirement ? -cv->under_weight : cv->over_weight;
            if (n < cv->hard_min)
                *c -= SP_ROTA_DP_HARD_MIN; /* a hard minimum outweighs every soft term */
            *c += w->travel_per_minute * prep->post_travel[p * K + k];
            if (pe->published[d] >= 0)
                *c += pe->published[d] == (int)k ? -w->change : 0.0;
        }
    }
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

double sp_rota_dp_value(const sp_rota *r, const double *cost, const int *line)
{
    double v = 0.0;
    for (int d = 0; d < r->days; d++)
        if (line[d] >= 0)
            v += cost[(size_t)d * r->n_posts + (size_t)line[d]];
    return v;
}
