/* Column generation over whole lines (docs/rota.md "The search", step 3).
 *
 * Master (an LP over the lines generated so far, sp_master of the solver layer):
 *   per person p:       sum of p's line columns = 1                     (dual sigma[p])
 *   per (day d, post k) with a requirement or an over weight:
 *                       sum of the lines working k on d + u - v = R      (dual pi[d,k])
 *   u in [0, R - hard minimum] at the under weight, v >= 0 at the over weight;
 *   a line's cost is its own terms: requests, travel and the change penalty (the terms
 *   sp_rota_dp_costs prices besides the cover). Fairness couples people and is left out of the
 *   master; it is >= 0, so every bound below stays a bound on the full objective, and every
 *   roster the stage hands back is valued again by the caller with the exact objective.
 *
 * Pricing: for each person, sp_rota_price_line under the costs own - pi (a line's reduced cost
 * is its own cost - sum of pi over its worked cells - sigma[p]); a line with a negative reduced
 * cost joins the master.
 *
 * The bound. Relax the cover rows with any multipliers pi (not only the master's duals): for every
 * roster (one feasible line per person, u and v set by the cover rows),
 *   objective - fairness = sum_p own(line_p) + sum (under u + over v)
 *     = sum_{d,k} pi R + sum_p [own(line_p) - sum_{cells of line_p} pi]
 *       + sum_{cells} [(under - pi) u + (over + pi) v]
 *     >= sum pi R + sum_p LB_p(pi) + sum_{cells with R > 0} min(0, under - pi) (R - hard min)
 * as long as over + pi >= 0 (so pi is first raised to -over where it is below), where LB_p(pi) is
 * a lower bound on p's cheapest feasible line under own - pi. The dynamic programming gives one:
 * its rules kept by states are exact, and the rules counted over the horizon (minutes, shifts per
 * type, weekends) are priced by multipliers, so each of its paths is the minimum of a Lagrangian
 * relaxation of p's line problem (rota_dp.c, round_bound). The bound is therefore valid whatever
 * the master's LP does, however the pricing ends, and whether or not the duals are optimal; at the
 * master's optimal duals it is the classical column-generation (Lagrangian) bound
 * LP + sum_p min(0, lower bound on p's least reduced cost). */
#include "rota_colgen.h"

#include "rota_price.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Price-and-branch only over at most this many lines: beyond it GLPK's branch-and-cut found
 * nothing better than the dive's roster in 10-15 s on Curtois 8 and 9 (1000-1200 lines), time the
 * neighbourhood search uses better; below it, it took instance 3 from 1203 to its optimum 1001 in
 * 0.5 s and 5 from 1152 to 1145. */
#define PRICE_AND_BRANCH_MAX_LINES 800
/* Pricing rounds after each step of the dive at most, and the LP's least relative fall per
 * round below which they stop (tailing off): to the end while the dive keeps pace with its
 * deadline (Curtois 8: a dive of 1404, against 1511 with the tail cut at 1e-4 and 2019 with one
 * round), cut early when it does not (14 and 12 ran out of time, leaving people on incumbent
 * lines). */
#define DIVE_PRICING_ROUNDS 30
#define DIVE_PRICING_ROUNDS_HURRIED 3
#define DIVE_TAIL 1e-6
#define DIVE_TAIL_HURRIED 1e-4
/* Where the LP takes nobody's line whole, the dive fixes 1 + (people left) / this of the largest
 * fractional lines at once (4 times as many when hurried). */
#define DIVE_BATCH_DIVISOR 16
/* Weight of the best-bound prices in the prices lines are priced at (0: the master's duals). */
#define SMOOTHING 0.5

typedef struct colgen {
    const sp_rota *r;
    const rt_prep *prep;
    size_t P, H, K;
    sp_master *ms;
    int *cell_row;   /* d * K + k -> master row, or -1 */
    int *col_person; /* master column -> person, -1: a slack */
    size_t cap_col_person;
    int *lines;    /* the lines of line columns, H each, in column order */
    int *col_line; /* master column -> index of its line in `lines`, or -1 */
    size_t n_lines, cap_lines, cap_col_line;
    uint64_t *seen; /* the lines in the master by (person, line): line index + 1 */
    size_t cap_seen, n_seen;
    int *line_person; /* per line: its person */
    size_t cap_line_person;
    double *own_const;       /* per person: sp_rota_price_constant */
    double *price, *cost;    /* H x K */
    double *smooth, *center; /* H x K: the prices priced at; those of the best bound so far */
    int have_center;
    double center_bound;
    unsigned char *off_ok;
    int *line, *rows;
    double *ones;
} colgen;

static void colgen_free(colgen *cg)
{
    sp_master_free(cg->ms);
    free(cg->cell_row), free(cg->col_person), free(cg->lines), free(cg->col_line);
    free(cg->seen), free(cg->line_person), free(cg->own_const), free(cg->price), free(cg->smooth),
        free(cg->center), free(cg->cost), free(cg->off_ok);
    free(cg->line), free(cg->rows), free(cg->ones);
}

static uint64_t line_hash(size_t p, const int *line, size_t H)
{
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint64_t)p) * 1099511628211ULL;
    for (size_t d = 0; d < H; d++)
        h = (h ^ (uint64_t)(unsigned)(line[d] + 2)) * 1099511628211ULL;
    h ^= h >> 31; /* mix the high bits into the low ones the table indexes by */
    h *= 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

/* Whether (p, line) is a column already: an open-addressing table of line indices + 1, compared
 * line by line (a hash collision cannot hide a new line). 1 yes, 0 no (then the caller adds it
 * as line number cg->n_lines, which is recorded here), or SP_ENOMEM. */
static int seen_before(colgen *cg, size_t p, const int *line)
{
    size_t H = cg->H;
    if (2 * (cg->n_seen + 1) > cg->cap_seen) {
        size_t cap = cg->cap_seen ? 2 * cg->cap_seen : 1024;
        uint64_t *t = calloc(cap, sizeof *t);
        if (!t)
            return SP_ENOMEM;
        for (size_t i = 0; i < cg->cap_seen; i++)
            if (cg->seen[i]) {
                size_t li = (size_t)cg->seen[i] - 1;
                uint64_t h = line_hash((size_t)cg->line_person[li], cg->lines + li * H, H);
                for (size_t j = h & (cap - 1);; j = (j + 1) & (cap - 1))
                    if (!t[j]) {
                        t[j] = cg->seen[i];
                        break;
                    }
            }
        free(cg->seen);
        cg->seen = t;
        cg->cap_seen = cap;
    }
    uint64_t h = line_hash(p, line, H);
    for (size_t j = h & (cg->cap_seen - 1);; j = (j + 1) & (cg->cap_seen - 1)) {
        if (!cg->seen[j]) {
            cg->seen[j] = (uint64_t)cg->n_lines + 1;
            cg->n_seen++;
            return 0;
        }
        size_t li = (size_t)cg->seen[j] - 1;
        if ((size_t)cg->line_person[li] == p && !memcmp(cg->lines + li * H, line, H * sizeof *line))
            return 1;
    }
}

static int note_column(colgen *cg, int col, int person, int line_index)
{
    size_t need = (size_t)col + 1, cap = cg->cap_col_person;
    if (sp_grow(&cg->col_person, &cap, need, sizeof *cg->col_person) ||
        (cap = cg->cap_col_person, sp_grow(&cg->col_line, &cap, need, sizeof *cg->col_line)))
        return SP_ENOMEM;
    cg->cap_col_person = cap;
    cg->col_person[col] = person;
    cg->col_line[col] = line_index;
    return SP_OK;
}

/* p's own cost of line: the constant plus the own per-shift costs (no price). */
static double own_cost(colgen *cg, size_t p, const int *line)
{
    sp_rota_price_costs(cg->r, cg->prep, p, NULL, cg->cost, cg->off_ok);
    return cg->own_const[p] + sp_rota_dp_value(cg->r, cg->cost, line);
}

/* Adds p's line as a column (unless it is there already): 1 added, 0 not, or an error code. */
static int add_line(colgen *cg, size_t p, const int *line)
{
    int seen = seen_before(cg, p, line);
    if (seen)
        return seen < 0 ? seen : 0;
    int n = 0;
    cg->rows[n++] = (int)p;
    for (size_t d = 0; d < cg->H; d++)
        if (line[d] >= 0 && cg->cell_row[d * cg->K + (size_t)line[d]] >= 0)
            cg->rows[n++] = cg->cell_row[d * cg->K + (size_t)line[d]];
    /* no upper bound: the person's row keeps it at most 1, and a bound of 1 would let the LP hold
     * a line there with a negative reduced cost, which pricing could never beat */
    int col =
        sp_master_add_col(cg->ms, own_cost(cg, p, line), 0.0, HUGE_VAL, n, cg->rows, cg->ones);
    if (col < 0)
        return col;
    if (sp_grow(&cg->lines, &cg->cap_lines, (cg->n_lines + 1) * cg->H, sizeof *cg->lines) ||
        sp_grow(&cg->line_person, &cg->cap_line_person, cg->n_lines + 1, sizeof *cg->line_person))
        return SP_ENOMEM;
    memcpy(cg->lines + cg->n_lines * cg->H, line, cg->H * sizeof *line);
    cg->line_person[cg->n_lines] = (int)p;
    int rc = note_column(cg, col, (int)p, (int)cg->n_lines);
    cg->n_lines++;
    return rc ? rc : 1;
}

static int setup(colgen *cg)
{
    const sp_rota *r = cg->r;
    size_t P = cg->P, H = cg->H, K = cg->K, HK = H * K > 0 ? H * K : 1;
    cg->ms = sp_master_new();
    cg->cell_row = malloc(HK * sizeof *cg->cell_row);
    cg->own_const = malloc((P ? P : 1) * sizeof *cg->own_const);
    cg->price = calloc(HK, sizeof *cg->price);
    cg->smooth = calloc(HK, sizeof *cg->smooth);
    cg->center = calloc(HK, sizeof *cg->center);
    cg->cost = malloc(HK * sizeof *cg->cost);
    cg->off_ok = malloc(H + 1);
    cg->line = malloc((H + 1) * sizeof *cg->line);
    cg->rows = malloc((H + 2) * sizeof *cg->rows);
    cg->ones = malloc((H + 2) * sizeof *cg->ones);
    if (!cg->ms || !cg->cell_row || !cg->own_const || !cg->price || !cg->smooth || !cg->center ||
        !cg->cost || !cg->off_ok || !cg->line || !cg->rows || !cg->ones)
        return SP_ENOMEM;
    for (size_t i = 0; i < H + 2; i++)
        cg->ones[i] = 1.0;
    for (size_t p = 0; p < P; p++) {
        cg->own_const[p] = sp_rota_price_constant(r, p);
        if (sp_master_add_row(cg->ms, SP_ROW_EQ, 1.0) < 0)
            return SP_ENOMEM;
    }
    for (size_t i = 0; i < H * K; i++) {
        const rt_cover *c = sp_rota_cover_at(r, i / K, i % K);
        cg->cell_row[i] = -1;
        if (c->requirement > 0 || c->over_weight > 0) {
            int row = sp_master_add_row(cg->ms, SP_ROW_EQ, c->requirement);
            if (row < 0)
                return row;
            cg->cell_row[i] = row;
        }
    }
    for (size_t i = 0; i < H * K; i++) {
        const rt_cover *c = sp_rota_cover_at(r, i / K, i % K);
        int row = cg->cell_row[i], col;
        double one = 1.0, minus = -1.0;
        if (row < 0)
            continue;
        if (c->requirement > 0) {
            col = sp_master_add_col(cg->ms, c->under_weight, 0.0, c->requirement - c->hard_min, 1,
                                    &row, &one);
            if (col < 0 || note_column(cg, col, -1, -1))
                return col < 0 ? col : SP_ENOMEM;
        }
        col = sp_master_add_col(cg->ms, c->over_weight, 0.0, HUGE_VAL, 1, &row, &minus);
        if (col < 0 || note_column(cg, col, -1, -1))
            return col < 0 ? col : SP_ENOMEM;
    }
    return SP_OK;
}

/* The cover rows' duals as prices per (day, post), raised to -over where below (see the bound in
 * the file comment: any prices give a bound, and these keep v's term finite). */
static void read_prices(colgen *cg)
{
    for (size_t i = 0; i < cg->H * cg->K; i++) {
        int row = cg->cell_row[i];
        double pi = row >= 0 ? sp_master_row_dual(cg->ms, row) : 0.0;
        if (row >= 0) {
            const rt_cover *c = sp_rota_cover_at(cg->r, i / cg->K, i % cg->K);
            if (pi < -c->over_weight)
                pi = -c->over_weight;
        }
        cg->price[i] = pi;
    }
}

/* The cover part of the Lagrangian bound at the current prices: sum pi R + the slacks' minima. */
static double cover_part(const colgen *cg, const double *price)
{
    double sum = 0.0;
    for (size_t i = 0; i < cg->H * cg->K; i++) {
        if (cg->cell_row[i] < 0)
            continue;
        const rt_cover *c = sp_rota_cover_at(cg->r, i / cg->K, i % cg->K);
        double pi = price[i];
        sum += pi * c->requirement;
        if (c->requirement > 0)
            sum += fmin(0.0, c->under_weight - pi) * (c->requirement - c->hard_min);
    }
    return sum;
}

/* One pricing round. The lines are priced at prices between the master's duals and those of the
 * best bound so far (alpha of the latter; Wentges' smoothing, which cuts the rounds where the duals
 * swing from one extreme to another), and a line joins the master when its reduced cost at the
 * master's own duals is negative. *added counts them; *bound gets the round's Lagrangian bound at
 * the prices used (valid for any prices; -HUGE_VAL when a person could not be priced or is
 * skipped). Returns SP_OK or an error code. */
static int price_round(colgen *cg, int *added, double *bound, double deadline,
                       const sp_solve_options *opts, const unsigned char *skip, double alpha)
{
    size_t HK = cg->H * cg->K;
    *added = 0;
    read_prices(cg);
    if (!cg->have_center)
        alpha = 0.0;
    for (size_t i = 0; i < HK; i++) /* a mean of prices >= -over is too */
        cg->smooth[i] = alpha * cg->center[i] + (1.0 - alpha) * cg->price[i];
    double lower_sum = cover_part(cg, cg->smooth);
    for (size_t p = 0; p < cg->P; p++) {
        if (sp_now() >= deadline || sp_cancel_is_raised(opts->cancel)) {
            lower_sum = -HUGE_VAL; /* a person not priced: no bound from this round */
            break;
        }
        if (skip && skip[p]) {
            lower_sum = -HUGE_VAL;
            continue;
        }
        sp_rota_price_costs(cg->r, cg->prep, p, cg->smooth, cg->cost, cg->off_ok);
        double lower;
        int got = sp_rota_price_line(cg->r, cg->prep, p, cg->cost, cg->off_ok, cg->line, &lower, 1);
        if (got < 0)
            return got;
        lower_sum += cg->own_const[p] + lower;
        if (!got)
            continue;
        /* the reduced cost at the master's duals */
        double sigma = sp_master_row_dual(cg->ms, (int)p);
        double reduced = cg->own_const[p] + sp_rota_dp_value(cg->r, cg->cost, cg->line) - sigma;
        for (size_t d = 0; d < cg->H; d++)
            if (cg->line[d] >= 0) {
                size_t i = d * cg->K + (size_t)cg->line[d];
                reduced += cg->smooth[i] - cg->price[i];
            }
        if (reduced < -1e-6 * fmax(1.0, fabs(sigma))) {
            int rc = add_line(cg, p, cg->line);
            if (rc < 0)
                return rc;
            *added += rc;
        }
    }
    *bound = lower_sum;
    if (lower_sum > -HUGE_VAL && (!cg->have_center || lower_sum > cg->center_bound)) {
        memcpy(cg->center, cg->smooth, HK * sizeof *cg->center);
        cg->center_bound = lower_sum;
        cg->have_center = 1;
    }
    return SP_OK;
}

/* Seeds the master with every person's line of roster. */
static int seed(colgen *cg, const int *roster)
{
    for (size_t p = 0; p < cg->P; p++) {
        int rc = add_line(cg, p, roster + p * cg->H);
        if (rc < 0)
            return rc;
    }
    return SP_OK;
}

/* Fixes line column col of its person in the dive. */
static void fix_line(colgen *cg, unsigned char *fixed, int *fixed_col, size_t *n_fixed, int col)
{
    int p = cg->col_person[col];
    fixed[p] = 1;
    fixed_col[p] = col;
    (*n_fixed)++;
    sp_master_set_col_bounds(cg->ms, col, 1.0, 1.0);
}

/* Price-and-dive: solve the master, price new lines for the people not yet fixed until the LP
 * stops falling, fix the lines the LP takes whole (value >= 0.99) or else the few largest, again
 * until everyone has a line or the deadline (then the others keep their incumbent lines). A
 * roster the MIP alone rarely finds in its time (GLPK's search has no idea of a
 * set-partitioning structure). Writes roster and returns 1, 0 when nobody could be fixed
 * (deadline, an infeasible master from hard minimums), or an error code. The bounds of the fixed
 * columns are restored before it returns. */
static int dive(colgen *cg, int *roster, const int *incumbent, double deadline,
                const sp_solve_options *opts, sp_error *err)
{
    size_t P = cg->P, H = cg->H;
    unsigned char *fixed = calloc(P + 1, 1);
    int *fixed_col = malloc((P + 1) * sizeof *fixed_col), *pick = malloc((P + 1) * sizeof *pick);
    if (!fixed || !fixed_col || !pick) {
        free(fixed), free(fixed_col), free(pick);
        return sp_fail(err, SP_ENOMEM, "out of memory diving");
    }
    size_t n_fixed = 0;
    int rc = 0, hurried = 0;
    double started = sp_now();
    while (n_fixed < P && sp_now() < deadline && !sp_cancel_is_raised(opts->cancel)) {
        /* hurried once the pace so far would not fix everyone by the deadline */
        double now = sp_now();
        hurried |= n_fixed > 0 &&
                   (now - started) / (double)n_fixed * (double)(P - n_fixed) > deadline - now;
        rc = sp_master_solve(cg->ms, deadline - sp_now(), err);
        if (rc || sp_master_status(cg->ms) != SP_MASTER_OPTIMAL)
            break;
        /* the new lines first, until the LP stops falling: the people left must be able to
         * make up for the ones just fixed, or the dive ends in cover gaps (one round here:
         * Curtois 8's dive 2019 against an LP of 1297; to the tail: 1404) */
        int added = 1;
        double before_round = sp_master_objective(cg->ms);
        int rounds = hurried ? DIVE_PRICING_ROUNDS_HURRIED : DIVE_PRICING_ROUNDS;
        for (int round = 0; added && round < rounds && !rc; round++) {
            double ignored;
            rc = price_round(cg, &added, &ignored, deadline, opts, fixed, 0.0);
            if (rc) {
                sp_fail(err, rc, "out of memory pricing lines");
                break;
            }
            if (added) {
                rc = sp_master_solve(cg->ms, deadline - sp_now(), err);
                if (!rc && sp_master_status(cg->ms) != SP_MASTER_OPTIMAL)
                    added = -1;
                else if (!rc && before_round - sp_master_objective(cg->ms) <
                                    (hurried ? DIVE_TAIL_HURRIED : DIVE_TAIL) *
                                        fmax(1.0, fabs(before_round)))
                    break; /* tailing off */
                if (!rc)
                    before_round = sp_master_objective(cg->ms);
            }
        }
        if (rc || added < 0)
            break;
        if (opts->log_level >= 3)
            fprintf(stderr, "staffpool: rota dive: %zu of %zu fixed, LP %.6g, %d columns%s\n",
                    n_fixed, P, sp_master_objective(cg->ms), sp_master_cols(cg->ms),
                    hurried ? " (hurried)" : "");
        for (size_t p = 0; p < P; p++)
            pick[p] = -1;
        int n = sp_master_cols(cg->ms);
        for (int j = 0; j < n; j++) {
            int p = cg->col_person[j];
            if (p < 0 || fixed[p])
                continue;
            double v = sp_master_col_value(cg->ms, j);
            if (pick[p] < 0 || v > sp_master_col_value(cg->ms, pick[p]))
                pick[p] = j;
        }
        size_t before = n_fixed;
        for (size_t p = 0; p < P; p++)
            if (!fixed[p] && pick[p] >= 0 && sp_master_col_value(cg->ms, pick[p]) >= 0.99)
                fix_line(cg, fixed, fixed_col, &n_fixed, pick[p]);
        /* none whole: the largest fractional lines, a few at once while many people are left */
        for (size_t b = 0, batch = 1 + (hurried ? 4 : 1) * (P - n_fixed) / DIVE_BATCH_DIVISOR;
             n_fixed - before == b && b < batch; b++) {
            int top_col = -1;
            for (size_t p = 0; p < P; p++)
                if (!fixed[p] && pick[p] >= 0 &&
                    (top_col < 0 ||
                     sp_master_col_value(cg->ms, pick[p]) > sp_master_col_value(cg->ms, top_col)))
                    top_col = pick[p];
            if (top_col >= 0)
                fix_line(cg, fixed, fixed_col, &n_fixed, top_col);
        }
        if (n_fixed == before)
            break; /* nothing to fix: should not happen, every person has a line */
    }
    /* stopped on the clock part way: the people not fixed keep their incumbent lines (the
     * caller values the roster and checks the hard minimums before it is used) */
    int done = !rc && n_fixed > 0;
    for (size_t p = 0; p < P; p++) {
        if (done)
            memcpy(roster + p * H,
                   fixed[p] ? cg->lines + (size_t)cg->col_line[fixed_col[p]] * H
                            : incumbent + p * H,
                   H * sizeof *roster);
        if (fixed[p])
            sp_master_set_col_bounds(cg->ms, fixed_col[p], 0.0, HUGE_VAL);
    }
    free(fixed), free(fixed_col), free(pick);
    return rc ? rc : done;
}

/* A roster's value in the master: its lines' own costs and the cover slacks' (no fairness). */
static double master_value(colgen *cg, const int *roster)
{
    size_t H = cg->H, K = cg->K;
    int *count = calloc(H * K + 1, sizeof *count);
    if (!count)
        return HUGE_VAL;
    double v = 0.0;
    for (size_t p = 0; p < cg->P; p++) {
        v += own_cost(cg, p, roster + p * H);
        for (size_t d = 0; d < H; d++)
            if (roster[p * H + d] >= 0)
                count[d * K + (size_t)roster[p * H + d]]++;
    }
    for (size_t i = 0; i < H * K; i++) {
        if (cg->cell_row[i] < 0)
            continue;
        const rt_cover *c = sp_rota_cover_at(cg->r, i / K, i % K);
        v += c->requirement > count[i] ? c->under_weight * (c->requirement - count[i])
                                       : c->over_weight * (count[i] - c->requirement);
    }
    free(count);
    return v;
}

/* The master over the generated lines as a MIP, started from the incumbent's lines. */
static int price_and_branch(colgen *cg, rt_colgen_out *out, int *roster, const int *incumbent,
                            double deadline, const sp_solve_options *opts, sp_error *err)
{
    int n = sp_master_cols(cg->ms);
    unsigned char *binary = calloc((size_t)n + 1, 1);
    double *start = calloc((size_t)n + 1, sizeof *start);
    int *count = calloc(cg->H * cg->K + 1, sizeof *count);
    if (!binary || !start || !count) {
        free(binary), free(start), free(count);
        return sp_fail(err, SP_ENOMEM, "out of memory for the price-and-branch MIP");
    }
    for (int j = 0; j < n; j++)
        binary[j] = cg->col_person[j] >= 0;
    sp_mip *mip = sp_master_as_mip(cg->ms, binary);
    /* the start: each person's incumbent line (seeded, so present), slacks to match */
    for (size_t p = 0; p < cg->P; p++)
        for (size_t d = 0; d < cg->H; d++)
            if (incumbent[p * cg->H + d] >= 0)
                count[d * cg->K + (size_t)incumbent[p * cg->H + d]]++;
    for (int j = 0; j < n; j++) {
        int p = cg->col_person[j];
        if (p >= 0) {
            start[j] = memcmp(cg->lines + (size_t)cg->col_line[j] * cg->H,
                              incumbent + (size_t)p * cg->H, cg->H * sizeof *incumbent) == 0;
        }
    }
    /* slack columns come in cell order: u (when R > 0) then v */
    for (size_t i = 0, j = 0; i < cg->H * cg->K; i++) {
        if (cg->cell_row[i] < 0)
            continue;
        while ((int)j < n && cg->col_person[j] >= 0)
            j++;
        const rt_cover *c = sp_rota_cover_at(cg->r, i / cg->K, i % cg->K);
        if (c->requirement > 0)
            start[j++] = fmax(0.0, c->requirement - count[i]);
        start[j++] = fmax(0.0, count[i] - c->requirement);
    }
    int rc = SP_OK;
    if (!mip || sp_mip_set_start(mip, start))
        rc = sp_fail(err, SP_ENOMEM, "out of memory for the price-and-branch MIP");
    sp_mip_result res = {0};
    if (!rc) {
        sp_solve_options sub = *opts;
        sub.model_file = NULL;
        sub.progress = NULL;
        sub.log_level = opts->log_level > 1 ? 1 : 0;
        sub.time_limit = fmax(0.0, deadline - sp_now());
        rc = sp_mip_solve_lex(&res, mip, &sub, err);
    }
    if (!rc && res.x) {
        int ok = 1;
        for (size_t i = 0; i < cg->P * cg->H; i++)
            roster[i] = -1;
        unsigned char *has = calloc(cg->P + 1, 1);
        if (!has) {
            rc = sp_fail(err, SP_ENOMEM, "out of memory reading the price-and-branch MIP");
        } else {
            for (int j = 0; j < n; j++) {
                int p = cg->col_person[j];
                if (p < 0 || res.x[j] < 0.5)
                    continue;
                ok &= !has[p];
                has[p] = 1;
                memcpy(roster + (size_t)p * cg->H, cg->lines + (size_t)cg->col_line[j] * cg->H,
                       cg->H * sizeof *roster);
            }
            for (size_t p = 0; p < cg->P; p++)
                ok &= has[p];
            free(has);
            out->have_roster = ok;
            out->mip_value = res.term_value[0];
        }
    }
    sp_mip_result_clear(&res);
    sp_mip_free(mip);
    free(binary), free(start), free(count);
    return rc;
}

/* The bound as reported: with integer objectives rounded up, after the same tolerance as the
 * result's rounding (sp_rota_results), so that the search and the result agree on "proved". */
static double reported(double bound, int integral)
{
    if (bound == -HUGE_VAL)
        return bound;
    bound -= 1e-9 * fmax(1.0, fabs(bound)); /* floating-point rounding must not overstate it */
    return integral ? ceil(bound - 1e-6 * fmax(1.0, fabs(bound))) : bound;
}

int sp_rota_colgen(rt_colgen_out *out, int *roster, const sp_rota *r, const rt_prep *prep,
                   const int *incumbent, const int *const *seeds, size_t n_seeds, double target,
                   int integral, double lp_deadline, double mip_deadline,
                   const sp_solve_options *opts, sp_error *err)
{
    double t0 = sp_now();
    memset(out, 0, sizeof *out);
    out->bound = -HUGE_VAL;
    out->dive_value = HUGE_VAL;
    out->lp_value = HUGE_VAL;
    colgen cg = {.r = r, .prep = prep, .P = r->n_people, .H = (size_t)r->days, .K = r->n_posts};
    int rc = setup(&cg);
    if (!rc)
        rc = seed(&cg, incumbent);
    for (size_t s = 0; !rc && s < n_seeds; s++)
        rc = seed(&cg, seeds[s]);
    if (rc) {
        colgen_free(&cg);
        return sp_fail(err, rc, "out of memory setting up column generation");
    }
    while (sp_now() < lp_deadline && !sp_cancel_is_raised(opts->cancel)) {
        rc = sp_master_solve(cg.ms, lp_deadline - sp_now(), err);
        if (rc || sp_master_status(cg.ms) != SP_MASTER_OPTIMAL) {
            break; /* stopped on the clock (or an error): the bound so far stands */
        }
        out->lp_value = sp_master_objective(cg.ms);
        int added = 0;
        double bound, last;
        rc = price_round(&cg, &added, &bound, lp_deadline, opts, NULL, SMOOTHING);
        last = bound;
        if (!rc && !added && cg.have_center) { /* nothing at the smoothed prices: try the duals */
            rc = price_round(&cg, &added, &last, lp_deadline, opts, NULL, 0.0);
            bound = fmax(bound, last);
        }
        if (rc) {
            sp_fail(err, rc, "out of memory pricing lines");
            break;
        }
        out->iterations++;
        if (reported(bound, integral) > out->bound)
            out->bound = reported(bound, integral);
        if (opts->log_level >= 2)
            fprintf(stderr,
                    "staffpool: rota colgen %d: LP %.6g, bound %.6g, %d lines added, %d "
                    "columns, %.2f s\n",
                    out->iterations, out->lp_value, out->bound, added, sp_master_cols(cg.ms),
                    sp_now() - t0);
        if (!added) {
            /* converged only when every person was priced (a round cut short by the clock has
             * no bound, and found nothing only for want of time) */
            out->converged = last > -HUGE_VAL;
            break;
        }
        /* proved: no roster can beat the incumbent by a unit (or at all) */
        if (out->bound >= target)
            break;
    }
    out->columns = (int)cg.n_lines;
    out->lp_seconds = sp_now() - t0;
    if (!rc && mip_deadline > sp_now() && !sp_cancel_is_raised(opts->cancel) &&
        out->bound < target) {
        double t1 = sp_now();
        const int *start = incumbent;
        int mip = cg.n_lines <= PRICE_AND_BRANCH_MAX_LINES;
        int got = dive(&cg, roster, incumbent, mip ? t1 + 0.5 * (mip_deadline - t1) : mip_deadline,
                       opts, err);
        if (got < 0)
            rc = got;
        out->dive_seconds = sp_now() - t1;
        if (got == 1) {
            out->have_roster = 1;
            out->dive_value = out->mip_value = master_value(&cg, roster);
            if (out->dive_value < master_value(&cg, incumbent))
                start = roster; /* the MIP starts from the better of the two */
        }
        t1 = sp_now();
        if (!rc && mip && mip_deadline > t1) {
            /* the MIP writes roster only when it returns one, at most as good as its start */
            int *copy = start == roster ? malloc(cg.P * cg.H * sizeof *copy + 1) : NULL;
            if (start == roster && !copy)
                rc = sp_fail(err, SP_ENOMEM, "out of memory for the price-and-branch MIP");
            else {
                if (copy)
                    memcpy(copy, roster, cg.P * cg.H * sizeof *copy);
                rc = price_and_branch(&cg, out, roster, copy ? copy : incumbent, mip_deadline, opts,
                                      err);
                free(copy);
            }
        }
        out->mip_seconds = sp_now() - t1;
    }
    colgen_free(&cg);
    return rc;
}
