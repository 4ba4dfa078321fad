/* One person's line (the post worked each day, -1 off) checked against every hard rule, by
 * counting runs directly rather than through the MIP: the search uses it to keep published lines
 * that are still feasible as its start, and the cover-gap reasons to tell whether a free person
 * could have taken a post. */
#include "rota.h"

static const char *const rule_names[RT_RULE_COUNT] = {"day off",
                                                      "skill or travel reach",
                                                      "pinned or frozen",
                                                      "forbidden succession",
                                                      "max shifts",
                                                      "min minutes",
                                                      "max minutes",
                                                      "max consecutive days",
                                                      "min consecutive days",
                                                      "min days off",
                                                      "max weekends"};

const char *sp_rota_rule_name(int bit_index)
{
    return bit_index >= 0 && bit_index < RT_RULE_COUNT ? rule_names[bit_index] : "?";
}

static int forbidden_after(const sp_rota *r, int a, int b)
{
    const rt_shift *s = &r->shifts[a];
    return s->forbidden_next && (size_t)b < s->cap_forbidden && s->forbidden_next[b];
}

unsigned sp_rota_line_breaks(const sp_rota *r, const rt_prep *prep, size_t p, const int *line)
{
    const rt_person *pe = &r->people[p];
    int H = r->days;
    size_t T = r->n_shifts;
    unsigned broken = 0;
    long minutes = 0;
    int per_type_over = 0;
    for (size_t t = 0; t < T; t++) {
        int n = 0;
        for (int d = 0; d < H; d++)
            n += line[d] >= 0 && r->posts[line[d]].shift == (int)t;
        if (pe->max_shifts[t] >= 0 && n > pe->max_shifts[t])
            per_type_over = 1;
    }
    if (per_type_over)
        broken |= RT_RULE_MAX_SHIFTS;
    for (int d = 0; d < H; d++) {
        int k = line[d];
        int hard = prep->hard[p * (size_t)H + (size_t)d];
        if (hard >= 0 && k != hard)
            broken |= RT_RULE_FIXED;
        if (k < 0)
            continue;
        if (pe->day_off[d])
            broken |= RT_RULE_DAY_OFF;
        if (!prep->can[p * r->n_posts + (size_t)k])
            broken |= RT_RULE_POST;
        minutes += r->shifts[r->posts[k].shift].length;
        if (d + 1 < H && line[d + 1] >= 0 &&
            forbidden_after(r, r->posts[k].shift, r->posts[line[d + 1]].shift))
            broken |= RT_RULE_SUCCESSION;
    }
    if (minutes < pe->min_minutes)
        broken |= RT_RULE_MIN_MINUTES;
    if (pe->max_minutes >= 0 && minutes > pe->max_minutes)
        broken |= RT_RULE_MAX_MINUTES;
    /* runs: [start, end) of equal state; minimum runs only when bounded inside the horizon */
    for (int start = 0; start < H;) {
        int working = line[start] >= 0, end = start;
        while (end < H && (line[end] >= 0) == working)
            end++;
        int len = end - start, inner = start > 0 && end < H;
        if (working && pe->max_consecutive >= 0 && len > pe->max_consecutive)
            broken |= RT_RULE_MAX_CONSECUTIVE;
        if (working && inner && len < pe->min_consecutive)
            broken |= RT_RULE_MIN_CONSECUTIVE;
        if (!working && inner && len < pe->min_days_off)
            broken |= RT_RULE_MIN_DAYS_OFF;
        start = end;
    }
    if (pe->max_weekends >= 0) {
        int worked = 0;
        for (size_t e = 0; e < prep->n_weekends; e++) {
            int d = prep->weekend_first[e];
            worked +=
                line[d] >= 0 || (d + 1 < H && sp_rota_is_weekend_day(r, d + 1) && line[d + 1] >= 0);
        }
        if (worked > pe->max_weekends)
            broken |= RT_RULE_MAX_WEEKENDS;
    }
    return broken;
}
