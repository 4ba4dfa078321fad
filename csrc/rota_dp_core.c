/* The one dynamic programming over a person's line (docs/rota.md "The search" and "Column
 * generation"): a shortest path over (day, cell), a cell being a rule state and the counters held
 * exactly (rota_dp_core.h). Succession, consecutive-day and days-off rules live in the rule state,
 * runs touching the horizon's edges being exempt from the minimums as in sp_rota_line_breaks; the
 * rules that count over the whole horizon are either counters of the cell or priced by the
 * multipliers of dp_mult (rota_dp.c chooses which and raises the multipliers).
 *
 * What keeps the table small without changing the answer: shift types with the same forbidden
 * successors share one "worked last" class; types alike in every way the cell sees (class, the
 * types they may not follow, length, counted or not) are one move per day, the cheapest of them;
 * a cell holds a back pointer and a move (6 bytes a day); each row's minute levels are moved in
 * one pass over the levels it holds (lo..hi per row); levels from which the person's minimum can
 * no longer be reached are dropped. */
#include "rota_dp_core.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* Fills the classes and moves of sp (T and ct set). */
static void group_types(dp_space *sp, const sp_rota *r)
{
    sp->C = sp->G = 0;
    for (int t = 0; t < sp->T; t++) {
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
                (u == sp->ct) == (t == sp->ct) && same_predecessors(r, u, t))
                break;
            g++;
        }
        if (g == sp->G)
            sp->group_rep[sp->G++] = t;
        sp->group_of[t] = g;
    }
}

int dp_space_init(dp_space *sp, const sp_rota *r, size_t p)
{
    const rt_person *pe = &r->people[p];
    int H = r->days, T = (int)r->n_shifts;
    *sp = (dp_space){.H = H,
                     .T = T,
                     .min_work = pe->min_consecutive,
                     .max_work = pe->max_consecutive,
                     .min_off = pe->min_days_off,
                     .W = 1,
                     .ct = -1,
                     .N = 1,
                     .M = 1,
                     .unit = 1};
    int L = 1;
    L = sp->max_work > L ? sp->max_work : L;
    L = sp->min_work > L ? sp->min_work : L;
    L = sp->min_off > L ? sp->min_off : L;
    if (L > H + 1)
        L = H + 1;
    sp->L = L + 1;
    size_t n = (size_t)T + 1;
    sp->class_of = malloc(n * sizeof(int)), sp->class_rep = malloc(n * sizeof(int));
    sp->group_of = malloc(n * sizeof(int)), sp->group_rep = malloc(n * sizeof(int));
    sp->floor = calloc((size_t)H + 1, sizeof *sp->floor);
    if (!sp->class_of || !sp->class_rep || !sp->group_of || !sp->group_rep || !sp->floor)
        return SP_ENOMEM;
    group_types(sp, r);
    if (sp->G > SHRT_MAX)
        return SP_ENOMEM;
    sp->R = (sp->C + 1) * sp->L * 2;
    return SP_OK;
}

void dp_space_free(dp_space *sp)
{
    free(sp->class_of), free(sp->class_rep), free(sp->group_of), free(sp->group_rep);
    free(sp->floor);
}

double dp_space_cells(const dp_space *sp, int W, int N, int M)
{
    return (double)sp->R * W * N * M;
}

double dp_table_bytes(const dp_space *sp)
{
    return dp_space_cells(sp, sp->W, sp->N, sp->M) * sp->H * (sizeof(int) + sizeof(short));
}

int dp_count_weekends(dp_space *sp, const sp_rota *r, const rt_prep *prep, size_t p,
                      double max_bytes)
{
    const rt_person *pe = &r->people[p];
    if (pe->max_weekends < 0 || (size_t)pe->max_weekends >= prep->n_weekends)
        return 0;
    if (dp_space_cells(sp, pe->max_weekends + 1, sp->N, sp->M) * sp->H *
            (sizeof(int) + sizeof(short)) >
        max_bytes)
        return 0;
    sp->W = pe->max_weekends + 1;
    return 1;
}

int dp_count_type(dp_space *sp, const sp_rota *r, size_t p, double max_bytes)
{
    const rt_person *pe = &r->people[p];
    int best = -1;
    for (int t = 0; t < sp->T; t++)
        if (pe->max_shifts[t] > 0 && pe->max_shifts[t] < r->days &&
            (best < 0 || pe->max_shifts[t] < pe->max_shifts[best]))
            best = t;
    if (best < 0 || dp_space_cells(sp, sp->W, pe->max_shifts[best] + 1, sp->M) * sp->H *
                            (sizeof(int) + sizeof(short)) >
                        max_bytes)
        return 0;
    sp->ct = best;
    sp->N = pe->max_shifts[best] + 1;
    group_types(sp, r); /* the counted type moves alone */
    return sp->G > SHRT_MAX ? SP_ENOMEM : 1;
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

int dp_count_minutes(dp_space *sp, const sp_rota *r, size_t p, double max_bytes)
{
    const rt_person *pe = &r->people[p];
    if (pe->min_minutes <= 0 && pe->max_minutes < 0)
        return 0;
    int unit = 0, longest = 0;
    for (size_t t = 0; t < r->n_shifts; t++) {
        unit = gcd(unit, r->shifts[t].length);
        longest = r->shifts[t].length > longest ? r->shifts[t].length : longest;
    }
    if (unit <= 0)
        return 0;
    int top = pe->max_minutes >= 0 ? pe->max_minutes : pe->min_minutes;
    double M = (double)(top / unit) + 1.0;
    if (dp_space_cells(sp, sp->W, sp->N, 1) * M > INT_MAX ||
        dp_space_cells(sp, sp->W, sp->N, 1) * M * sp->H * (sizeof(int) + sizeof(short)) > max_bytes)
        return 0;
    sp->M = (int)M;
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

void dp_work_free(dp_work *w)
{
    free(w->prev), free(w->now), free(w->back), free(w->move), free(w->move_post);
    free(w->path), free(w->prev_lo), free(w->prev_hi), free(w->now_lo), free(w->now_hi);
    free(w->type_cost), free(w->move_cost), free(w->type_post);
    memset(w, 0, sizeof *w);
}

int dp_work_alloc(dp_work *w, const dp_space *sp)
{
    size_t rows = (size_t)sp->R * (size_t)sp->W * (size_t)sp->N;
    size_t cells = rows * (size_t)sp->M, H = (size_t)sp->H, n = (size_t)sp->T + 1;
    dp_work_free(w);
    if (dp_space_cells(sp, sp->W, sp->N, sp->M) > INT_MAX)
        return SP_ENOMEM;
    w->cells = cells;
    w->prev = malloc(cells * sizeof *w->prev), w->now = malloc(cells * sizeof *w->now);
    w->back = malloc(H * cells * sizeof *w->back + 1);
    w->move = malloc(H * cells * sizeof *w->move + 1);
    w->move_post = malloc(H * (size_t)sp->G * sizeof *w->move_post + 1);
    w->path = malloc(H * sizeof *w->path + 1);
    w->prev_lo = malloc(rows * sizeof(int)), w->prev_hi = malloc(rows * sizeof(int));
    w->now_lo = malloc(rows * sizeof(int)), w->now_hi = malloc(rows * sizeof(int));
    w->type_cost = malloc(n * sizeof(double)), w->move_cost = malloc(n * sizeof(double));
    w->type_post = malloc(n * sizeof(int));
    return w->prev && w->now && w->back && w->move && w->move_post && w->path && w->prev_lo &&
                   w->prev_hi && w->now_lo && w->now_hi && w->type_cost && w->move_cost &&
                   w->type_post
               ? SP_OK
               : SP_ENOMEM;
}

static void relax(const dp_work *w, size_t at, size_t to, double v, int from, int move)
{
    if (v < w->now[to]) {
        w->now[to] = v;
        w->back[at + to] = from;
        w->move[at + to] = (short)move;
    }
}

/* Levels lv of row `from` (of prev; the start when from < 0: level 0 only, value 0) moved to
 * row `to`, `shift` levels up, at cost c; levels below floor are dropped. */
static void move_row(const dp_space *sp, const dp_work *w, size_t at, int from, int to, int shift,
                     int floor, double c, int move)
{
    int M = sp->M, lo = from < 0 ? 0 : w->prev_lo[from], hi = from < 0 ? 0 : w->prev_hi[from];
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
    if (from < 0) {
        relax(w, at, (size_t)to * M + (size_t)first, c, -1, move);
        return;
    }
    const double *row = w->prev + (size_t)from * M;
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

/* The day's moves: per group the cheapest post of its types, with the multipliers. */
static void day_moves(const sp_rota *r, const double *cost, int d, const dp_mult *mult,
                      const dp_space *sp, const dp_work *w, int wk_first)
{
    size_t K = r->n_posts;
    int T = sp->T, G = sp->G;
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
        double c = w->type_cost[t] + mult->lambda * r->shifts[t].length + mult->mu[t] +
                   (wk_first ? mult->nu : 0.0) + DP_TIE;
        int g = sp->group_of[t];
        if (c < w->move_cost[g]) {
            w->move_cost[g] = c;
            move_post[g] = w->type_post[t];
        }
    }
}

int dp_best_path(const sp_rota *r, const double *cost, const unsigned char *off_ok,
                 const dp_mult *mult, const dp_space *sp, dp_work *w, int *line, double *value)
{
    int H = r->days, G = sp->G, L = sp->L, M = sp->M, W = sp->W, N = sp->N;
    int rows = sp->R * W * N;
    size_t cells = w->cells;
    for (size_t s = 0; s < cells; s++)
        w->prev[s] = w->now[s] = HUGE_VAL;
    for (int s = 0; s < rows; s++) {
        w->prev_lo[s] = w->now_lo[s] = M;
        w->prev_hi[s] = w->now_hi[s] = -1;
    }
    for (int d = 0; d < H; d++) {
        int wk_first =
            sp_rota_is_weekend_day(r, d) && (d == 0 || !sp_rota_is_weekend_day(r, d - 1));
        int wk_second = sp_rota_is_weekend_day(r, d) && !wk_first;
        day_moves(r, cost, d, mult, sp, w, wk_first);
        const int *move_post = w->move_post + (size_t)d * G;
        for (int s = 0; s < rows; s++) { /* now held the day before yesterday */
            for (int lv = w->now_lo[s]; lv <= w->now_hi[s]; lv++)
                w->now[(size_t)s * M + lv] = HUGE_VAL;
            w->now_lo[s] = M;
            w->now_hi[s] = -1;
        }
        size_t at = (size_t)d * cells;
        int floor = sp->floor[d];
        /* from each row of the day before (day 0: the start, a run that is exempt) */
        int n_from = d == 0 ? 1 : rows;
        for (int f = 0; f < n_from; f++) {
            int last = -2, len = 0, ex = 1, wk = 0, cnt = 0, from = -1;
            if (d > 0) {
                if (w->prev_lo[f] > w->prev_hi[f])
                    continue;
                int rule = f / (W * N);
                wk = f / N % W;
                cnt = f % N;
                ex = rule % 2;
                len = (rule / 2) % L + 1;
                last = (rule / 2) / L - 1;
                from = f;
            }
            if (off_ok[d] && (last < 0 || ex || len >= sp->min_work)) {
                int to = last == -1 ? state_of(sp, -1, len + 1 > L ? L : len + 1, ex)
                                    : state_of(sp, -1, 1, d == 0);
                move_row(sp, w, at, from, (to * W + wk) * N + cnt, 0, floor, 0.0, -1);
            }
            for (int g = 0; g < G; g++) {
                if (move_post[g] < 0 || w->move_cost[g] == HUGE_VAL)
                    continue;
                int t = sp->group_rep[g], cls = sp->class_of[t], to;
                int wk_to = wk + (W > 1 && wk_first);
                double c = w->move_cost[g];
                if (last < 0) {
                    if (last == -1 && !ex && len < sp->min_off)
                        continue;
                    to = state_of(sp, cls, 1, d == 0);
                    if (wk_second) {
                        c += mult->nu;
                        wk_to += W > 1;
                    }
                } else {
                    if (forbidden_after(r, sp->class_rep[last], t))
                        continue;
                    if (sp->max_work >= 0 && len + 1 > sp->max_work)
                        continue;
                    to = state_of(sp, cls, len + 1 > L ? L : len + 1, ex);
                }
                int cnt_to = cnt + (t == sp->ct);
                if ((W > 1 && wk_to >= W) || (N > 1 && cnt_to >= N))
                    continue; /* one worked weekend, or one shift of the counted type, too many */
                int shift = M > 1 ? r->shifts[t].length / sp->unit : 0;
                move_row(sp, w, at, from, (to * W + wk_to) * N + cnt_to, shift, floor, c, g);
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
    for (int s = 0; s < rows; s++)
        for (int lv = w->prev_lo[s] > sp->min_level ? w->prev_lo[s] : sp->min_level;
             lv <= w->prev_hi[s]; lv++) {
            size_t i = (size_t)s * M + lv;
            if (end[i] < HUGE_VAL && (best < 0 || end[i] < end[best]))
                best = (long)i;
        }
    if (best < 0)
        return 0;
    *value = end[best];
    for (int d = H - 1; d >= 0; d--) {
        size_t at = (size_t)d * cells + (size_t)best;
        int g = w->move[at];
        line[d] = g < 0 ? -1 : w->move_post[(size_t)d * G + (size_t)g];
        w->path[d] = (int)best;
        best = w->back[at];
    }
    return 1;
}
