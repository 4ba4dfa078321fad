/* The rota MIP of docs/rota.md, built through the solver layer's interface (never GLPK directly):
 * binary x[person, day, post], each person's hard rules as rows of their own block, cover rows
 * per (day, post), the freeze window's cap on new assignments, worked-weekend columns, and the
 * fairness range columns per contract. Also the neighbourhood variants the search needs: people
 * or days fixed to a roster (constants) and people left out. */
#include "rota.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        if ((expr) < 0)                                                                            \
            return SP_ENOMEM;                                                                      \
    } while (0)

static int xc(const rt_model *m, size_t p, size_t d, size_t k)
{
    const sp_rota *r = m->rota;
    return m->xcol[(p * (size_t)r->days + d) * r->n_posts + k];
}

/* Adds coefficient `v` of work(p, d) (the sum of the person's x that day) to row. */
static int add_work(rt_model *m, int row, size_t p, int d, double v)
{
    for (size_t k = 0; k < m->rota->n_posts; k++) {
        int c = xc(m, p, (size_t)d, k);
        if (c >= 0 && sp_mip_add_coef(m->mip, row, c, v) < 0)
            return SP_ENOMEM;
    }
    return SP_OK;
}

/* Adds coefficient v of every x of person p on day d at a post of shift type t. */
static int add_shift(rt_model *m, int row, size_t p, int d, int t, double v)
{
    const rt_shift *s = &m->rota->shifts[t];
    for (int k = s->first_post; k < s->first_post + s->n_posts; k++) {
        int c = xc(m, p, (size_t)d, (size_t)k);
        if (c >= 0 && sp_mip_add_coef(m->mip, row, c, v) < 0)
            return SP_ENOMEM;
    }
    return SP_OK;
}

static int shift_cols(const rt_model *m, size_t p, int d, int t)
{
    const rt_shift *s = &m->rota->shifts[t];
    int n = 0;
    for (int k = s->first_post; k < s->first_post + s->n_posts; k++)
        n += xc(m, p, (size_t)d, (size_t)k) >= 0;
    return n;
}

static int new_row(rt_model *m, int type, double rhs, int block)
{
    int row = sp_mip_add_row(m->mip, type, rhs);
    if (row >= 0)
        sp_mip_set_block(m->mip, row, -1, block);
    return row;
}

static int forbidden(const rt_shift *a, size_t b)
{
    return a->forbidden_next && b < a->cap_forbidden && a->forbidden_next[b];
}

static int left_out(const rt_model *m, size_t p)
{
    return m->fixed && m->fixed[p * (size_t)m->rota->days] == -3;
}

/* Fairness category c (0 nights, 1 weekends, 2 unpopular) weight, and whether person p counts. */
static double fair_weight(const sp_rota *r, int c)
{
    return c == 0   ? r->weights.fairness_nights
           : c == 1 ? r->weights.fairness_weekends
                    : r->weights.fairness_unpopular;
}

static int in_fair_group(const rt_model *m, size_t p)
{
    int g = m->rota->people[p].contract;
    return g >= 0 && m->prep->group_size[g] >= 2 && !left_out(m, p);
}

/* Worked-weekend columns y[p,e] in [0,1]: y >= w(d) for each day of the weekend, and with
 * `exact` also y <= w(sat) + w(sun), so y equals "the weekend is worked" for binary x. */
static int weekend_cols(rt_model *m, size_t p, int exact)
{
    const sp_rota *r = m->rota;
    size_t W = m->prep->n_weekends;
    for (size_t e = 0; e < W; e++) {
        int d = m->prep->weekend_first[e], y, row;
        TRY(y = sp_mip_add_col(m->mip, 0.0, 1.0, 0));
        sp_mip_set_block(m->mip, -1, y, (int)p);
        m->ycol[p * W + e] = y;
        int last = d + 1 < r->days && sp_rota_is_weekend_day(r, d + 1) ? d + 1 : d;
        for (int j = d; j <= last; j++) {
            TRY(row = new_row(m, SP_ROW_GE, 0.0, (int)p));
            TRY(sp_mip_add_coef(m->mip, row, y, 1.0));
            TRY(add_work(m, row, p, j, -1.0));
        }
        if (exact) {
            TRY(row = new_row(m, SP_ROW_LE, 0.0, (int)p));
            TRY(sp_mip_add_coef(m->mip, row, y, 1.0));
            for (int j = d; j <= last; j++)
                TRY(add_work(m, row, p, j, -1.0));
        }
    }
    return SP_OK;
}

/* Rows of one person's hard rules (block p). */
static int build_person(rt_model *m, size_t p)
{
    const sp_rota *r = m->rota;
    const rt_person *pe = &r->people[p];
    int H = r->days;
    size_t T = r->n_shifts, K = r->n_posts, W = m->prep->n_weekends;
    int row, blk = (int)p;
    int fair_weekends = r->weights.fairness_weekends > 0 && in_fair_group(m, p);
    if (m->folded[p] || left_out(m, p)) /* a line known to be feasible, or nobody: no rows */
        return SP_OK;
    if (m->line_fixed[p]) /* constant columns: only what the fairness rows count */
        return fair_weekends ? weekend_cols(m, p, 1) : SP_OK;
    /* one shift a day */
    if (K > 1)
        for (int d = 0; d < H; d++) {
            int n = 0;
            for (size_t k = 0; k < K; k++)
                n += xc(m, p, (size_t)d, k) >= 0;
            if (n < 2)
                continue;
            TRY(row = new_row(m, SP_ROW_LE, 1.0, blk));
            TRY(add_work(m, row, p, d, 1.0));
        }
    /* forbidden successions: x[d,a] + sum_{b after a forbidden} x[d+1,b] <= 1, over all posts */
    for (int d = 0; d + 1 < H; d++)
        for (size_t a = 0; a < T; a++) {
            if (!shift_cols(m, p, d, (int)a))
                continue;
            row = -1;
            for (size_t b = 0; b < T; b++) {
                if (!forbidden(&r->shifts[a], b) || !shift_cols(m, p, d + 1, (int)b))
                    continue;
                if (row < 0) {
                    TRY(row = new_row(m, SP_ROW_LE, 1.0, blk));
                    TRY(add_shift(m, row, p, d, (int)a, 1.0));
                }
                TRY(add_shift(m, row, p, d + 1, (int)b, 1.0));
            }
        }
    /* maximum shifts per type, over all its posts */
    for (size_t t = 0; t < T; t++) {
        int n = 0;
        for (int d = 0; d < H; d++)
            n += shift_cols(m, p, d, (int)t) > 0;
        if (pe->max_shifts[t] < 0 || pe->max_shifts[t] >= n)
            continue;
        TRY(row = new_row(m, SP_ROW_LE, pe->max_shifts[t], blk));
        for (int d = 0; d < H; d++)
            TRY(add_shift(m, row, p, d, (int)t, 1.0));
    }
    /* total minutes */
    for (int side = 0; side < 2; side++) {
        int limit = side ? pe->max_minutes : pe->min_minutes;
        if (side ? limit < 0 : limit <= 0)
            continue;
        TRY(row = new_row(m, side ? SP_ROW_LE : SP_ROW_GE, limit, blk));
        for (int d = 0; d < H; d++)
            for (size_t k = 0; k < K; k++)
                if (xc(m, p, (size_t)d, k) >= 0)
                    TRY(sp_mip_add_coef(m->mip, row, xc(m, p, (size_t)d, k),
                                        r->shifts[r->posts[k].shift].length));
    }
    /* maximum consecutive working days: every window of c+1 days has a day off */
    int c = pe->max_consecutive;
    if (c >= 0)
        for (int d = 0; d + c < H; d++) {
            TRY(row = new_row(m, SP_ROW_LE, c, blk));
            for (int j = d; j <= d + c; j++)
                TRY(add_work(m, row, p, j, 1.0));
        }
    /* minimum runs strictly inside the horizon: no block of s < min days bounded on both sides
     * by the opposite state. Work: w(d-1) - sum w + w(d+s) >= 1 - s. Off: -w(d-1) + sum w -
     * w(d+s) >= -1. */
    for (int kind = 0; kind < 2; kind++) {
        int min = kind ? pe->min_days_off : pe->min_consecutive;
        double sign = kind ? -1.0 : 1.0;
        for (int s = 1; s < min; s++)
            for (int d = 1; d + s <= H - 1; d++) {
                TRY(row = new_row(m, SP_ROW_GE, kind ? -1.0 : 1.0 - s, blk));
                TRY(add_work(m, row, p, d - 1, sign));
                TRY(add_work(m, row, p, d + s, sign));
                for (int j = d; j < d + s; j++)
                    TRY(add_work(m, row, p, j, -sign));
            }
    }
    /* weekends: y >= w(sat), y >= w(sun), sum y <= max (y continuous is exact for the limit) */
    if (pe->max_weekends >= 0 || fair_weekends) {
        TRY(weekend_cols(m, p, fair_weekends));
        if (pe->max_weekends >= 0 && (size_t)pe->max_weekends < W) {
            TRY(row = new_row(m, SP_ROW_LE, pe->max_weekends, blk));
            for (size_t e = 0; e < W; e++)
                TRY(sp_mip_add_coef(m->mip, row, m->ycol[p * W + e], 1.0));
        }
    }
    return SP_OK;
}

/* Count of a folded person's fixed line in fairness category c (0 nights, 1 weekends,
 * 2 unpopular). */
static double folded_count(const rt_model *m, size_t p, int c)
{
    const sp_rota *r = m->rota;
    int H = r->days, n = 0;
    const int *line = m->fixed + p * (size_t)H;
    if (c == 1) {
        for (size_t e = 0; e < m->prep->n_weekends; e++) {
            int d = m->prep->weekend_first[e];
            n +=
                line[d] >= 0 || (d + 1 < H && sp_rota_is_weekend_day(r, d + 1) && line[d + 1] >= 0);
        }
        return n;
    }
    for (int d = 0; d < H; d++)
        if (line[d] >= 0) {
            const rt_shift *s = &r->shifts[r->posts[line[d]].shift];
            n += c == 0 ? s->night : s->unpopular;
        }
    return n;
}

/* Fairness within each contract of two people or more: for category c, hi >= count(p) >= lo for
 * every member, and weight x (hi - lo) in the objective. */
static int build_fairness(rt_model *m)
{
    const sp_rota *r = m->rota;
    size_t P = r->n_people, H = (size_t)r->days, K = r->n_posts, W = m->prep->n_weekends;
    for (size_t g = 0; g < r->n_contracts; g++) {
        if (m->prep->group_size[g] < 2)
            continue;
        for (int c = 0; c < 3; c++) {
            double w = fair_weight(r, c);
            int present = 0;
            for (size_t p = 0; p < P; p++)
                present += r->people[p].contract == (int)g && !left_out(m, p);
            if (w <= 0 || present < 1) /* without members lo would be unbounded */
                continue;
            int hi, lo;
            TRY(hi = sp_mip_add_col(m->mip, 0.0, (double)H, 0));
            TRY(lo = sp_mip_add_col(m->mip, 0.0, (double)H, 0));
            TRY(sp_mip_set_obj(m->mip, 0, hi, w));
            TRY(sp_mip_set_obj(m->mip, 0, lo, -w));
            for (size_t p = 0; p < P; p++) {
                if (r->people[p].contract != (int)g || left_out(m, p))
                    continue;
                for (int side = 0; side < 2; side++) {
                    int row;
                    if (m->folded[p]) { /* hi >= count >= lo with the count a constant */
                        double count = folded_count(m, p, c);
                        TRY(row = sp_mip_add_row(m->mip, side ? SP_ROW_GE : SP_ROW_LE, -count));
                        TRY(sp_mip_add_coef(m->mip, row, side ? lo : hi, -1.0));
                        continue;
                    }
                    TRY(row = sp_mip_add_row(m->mip, side ? SP_ROW_GE : SP_ROW_LE, 0.0));
                    TRY(sp_mip_add_coef(m->mip, row, side ? lo : hi, -1.0));
                    if (c == 1) {
                        for (size_t e = 0; e < W; e++)
                            TRY(sp_mip_add_coef(m->mip, row, m->ycol[p * W + e], 1.0));
                        continue;
                    }
                    for (size_t d = 0; d < H; d++)
                        for (size_t k = 0; k < K; k++) {
                            const rt_shift *s = &r->shifts[r->posts[k].shift];
                            int col = xc(m, p, d, k);
                            if (col >= 0 && (c == 0 ? s->night : s->unpopular))
                                TRY(sp_mip_add_coef(m->mip, row, col, 1.0));
                        }
                }
            }
        }
    }
    return SP_OK;
}

static int is_integer(double v)
{
    return v == floor(v);
}

int sp_rota_build(rt_model *m)
{
    const sp_rota *r = m->rota;
    const rt_prep *prep = m->prep;
    size_t P = r->n_people, K = r->n_posts, H = (size_t)r->days, W = prep->n_weekends;
    if (K && P > SIZE_MAX / H / K / sizeof(double))
        return SP_ERANGE;
    if (P * H * K > (size_t)INT32_MAX / 2)
        return SP_ERANGE;
    size_t n = P * H * K;
    m->mip = sp_mip_new(1);
    m->xcol = malloc((n ? n : 1) * sizeof *m->xcol);
    m->under_col = malloc((H * K > 0 ? H * K : 1) * sizeof *m->under_col);
    m->over_col = malloc((H * K > 0 ? H * K : 1) * sizeof *m->over_col);
    m->ycol = malloc((P * W > 0 ? P * W : 1) * sizeof *m->ycol);
    double *xobj = calloc(n ? n : 1, sizeof *xobj);
    m->folded = calloc(P ? P : 1, 1);
    m->line_fixed = calloc(P ? P : 1, 1);
    if (!m->mip || !m->xcol || !m->under_col || !m->over_col || !m->ycol || !xobj || !m->folded ||
        !m->line_fixed) {
        free(xobj);
        return SP_ENOMEM;
    }
    for (size_t p = 0; m->fixed && p < P; p++) {
        int all_fixed = m->fixed[p * H] != -3;
        for (size_t d = 0; d < H && all_fixed; d++)
            all_fixed = m->fixed[p * H + d] != -2;
        m->line_fixed[p] = (unsigned char)all_fixed;
        m->folded[p] = (unsigned char)(all_fixed && m->fold);
    }
    for (size_t i = 0; i < P * W; i++)
        m->ycol[i] = -1;
    /* x columns: person by person, day by day, post by post */
    for (size_t p = 0; p < P; p++)
        for (size_t d = 0; d < H; d++) {
            int fix = m->fixed ? m->fixed[p * H + d] : -2, hard = prep->hard[p * H + d];
            if (fix == -2 && hard >= 0)
                fix = hard; /* a pin or frozen assignment: the only possible value */
            for (size_t k = 0; k < K; k++) {
                int ok = fix != -3 && !m->folded[p] && sp_rota_can_work(r, prep, p, (int)d, k);
                int col = -1;
                if (ok && (fix == -2 || fix == (int)k)) { /* fixed: a constant column */
                    col = fix == -2 ? sp_mip_add_col(m->mip, 0.0, 1.0, 1)
                                    : sp_mip_add_col(m->mip, 1.0, 1.0, 0);
                    if (col < 0) {
                        free(xobj);
                        return SP_ENOMEM;
                    }
                    sp_mip_set_block(m->mip, -1, col, (int)p);
                }
                m->xcol[(p * H + d) * K + k] = col;
            }
        }
    /* objective on x: requests (on costs w (1 - x), off costs w x), changes to published
     * assignments (w (1 - x)), travel minutes */
    const sp_rota_weights *wt = &r->weights;
    m->constant = 0.0;
    m->integral = is_integer(wt->change) && is_integer(wt->fairness_nights) &&
                  is_integer(wt->fairness_weekends) && is_integer(wt->fairness_unpopular);
    for (size_t i = 0; i < H * K; i++) {
        const rt_cover *c = sp_rota_cover_at(r, i / K, i % K);
        if (!is_integer(c->under_weight) || !is_integer(c->over_weight))
            m->integral = 0;
    }
    for (size_t i = 0; i < r->n_requests; i++) {
        const rt_request *q = &r->requests[i];
        const rt_shift *s = &r->shifts[q->shift];
        if (!is_integer(q->weight))
            m->integral = 0;
        if (q->on)
            m->constant += q->weight;
        for (int k = s->first_post; k < s->first_post + s->n_posts; k++)
            xobj[((size_t)q->person * H + (size_t)q->day) * K + (size_t)k] +=
                q->on ? -q->weight : q->weight;
    }
    for (size_t p = 0; p < P; p++)
        for (size_t d = 0; d < H; d++) {
            int pub = r->people[p].published[d];
            if (pub >= 0 && wt->change > 0) {
                m->constant += wt->change;
                xobj[(p * H + d) * K + (size_t)pub] -= wt->change;
            }
            if (wt->travel_per_minute > 0)
                for (size_t k = 0; k < K; k++)
                    if (sp_rota_can_work(r, prep, p, (int)d, k))
                        xobj[(p * H + d) * K + k] +=
                            wt->travel_per_minute * prep->post_travel[p * K + k];
        }
    for (size_t i = 0; i < n; i++) {
        if (m->xcol[i] >= 0 && xobj[i] != 0.0)
            if (sp_mip_set_obj(m->mip, 0, m->xcol[i], xobj[i]) < 0) {
                free(xobj);
                return SP_ENOMEM;
            }
        if (xobj[i] != 0.0 && !is_integer(xobj[i]))
            m->integral = 0;
    }
    for (size_t p = 0; p < P; p++) /* a folded line's costs are constants */
        for (size_t d = 0; m->folded[p] && d < H; d++)
            if (m->fixed[p * H + d] >= 0)
                m->constant += xobj[(p * H + d) * K + (size_t)m->fixed[p * H + d]];
    free(xobj);
    TRY(m->const_col = sp_mip_add_col(m->mip, 1.0, 1.0, 0));
    if (m->constant != 0.0)
        TRY(sp_mip_set_obj(m->mip, 0, m->const_col, m->constant));
    for (size_t p = 0; p < P; p++) {
        int rc = build_person(m, p);
        if (rc)
            return rc;
    }
    int rc = build_fairness(m);
    if (rc)
        return rc;
    /* cover: sum x + under - over = requirement; under <= requirement - hard minimum */
    for (size_t d = 0; d < H; d++)
        for (size_t k = 0; k < K; k++) {
            const rt_cover *c = sp_rota_cover_at(r, d, k);
            int row, u = -1, o, on_folded = 0, new_folded = 0;
            for (size_t p = 0; m->fixed && p < P; p++)
                if (m->folded[p] && m->fixed[p * H + d] == (int)k) {
                    on_folded++;
                    new_folded += prep->hard[p * H + d] != (int)k;
                }
            TRY(row = sp_mip_add_row(m->mip, SP_ROW_EQ, c->requirement - on_folded));
            if (c->requirement > 0) {
                TRY(u = sp_mip_add_col(m->mip, 0.0, c->requirement - c->hard_min, 0));
                TRY(sp_mip_add_coef(m->mip, row, u, 1.0));
                sp_mip_set_start_upper(m->mip, u);
                if (c->under_weight > 0)
                    TRY(sp_mip_set_obj(m->mip, 0, u, c->under_weight));
            }
            TRY(o = sp_mip_add_col(m->mip, 0.0, HUGE_VAL, 0));
            TRY(sp_mip_add_coef(m->mip, row, o, -1.0));
            if (c->over_weight > 0)
                TRY(sp_mip_set_obj(m->mip, 0, o, c->over_weight));
            m->under_col[d * K + k] = u;
            m->over_col[d * K + k] = o;
            for (size_t p = 0; p < P; p++)
                if (xc(m, p, d, k) >= 0)
                    TRY(sp_mip_add_coef(m->mip, row, xc(m, p, d, k), 1.0));
            /* freeze window: new assignments only into the gap the fixed ones leave */
            if ((int)d >= r->freeze_days)
                continue;
            int kept = 0, free_cols = 0;
            for (size_t p = 0; p < P; p++) {
                kept += prep->hard[p * H + d] == (int)k;
                free_cols += prep->hard[p * H + d] < 0 && xc(m, p, d, k) >= 0;
            }
            if (!free_cols)
                continue;
            int room = c->requirement > kept ? c->requirement - kept : 0;
            TRY(row = sp_mip_add_row(m->mip, SP_ROW_LE, room - new_folded));
            for (size_t p = 0; p < P; p++)
                if (prep->hard[p * H + d] < 0 && xc(m, p, d, k) >= 0)
                    TRY(sp_mip_add_coef(m->mip, row, xc(m, p, d, k), 1.0));
        }
    return SP_OK;
}

void sp_rota_model_free(rt_model *m)
{
    sp_mip_free(m->mip);
    free(m->xcol), free(m->under_col), free(m->over_col), free(m->ycol), free(m->folded);
    free(m->line_fixed);
}

void sp_rota_roster_of(const rt_model *m, const double *x, int *roster)
{
    const sp_rota *r = m->rota;
    size_t K = r->n_posts, H = (size_t)r->days;
    for (size_t i = 0; i < r->n_people * H; i++) {
        if (m->folded[i / H]) { /* no columns: the fixed line itself */
            roster[i] = m->fixed[i];
            continue;
        }
        roster[i] = -1;
        for (size_t k = 0; k < K; k++) {
            int c = m->xcol[i * K + k];
            if (c >= 0 && x[c] > 0.5)
                roster[i] = (int)k;
        }
    }
}
