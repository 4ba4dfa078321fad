/* Why each under-covered (day, shift, site, skill) is under-covered, from the data and the roster:
 * the people who could conceivably take the post are narrowed step by step -- holding the skill,
 * within travel reach, not off that day, not already on it -- and the first step that leaves
 * nobody is the reason; when someone is left, whether they could take it without breaking a hard
 * rule (their line is re-checked with the post added) decides between "working elsewhere or at
 * their limits" and "left unmet: cheaper than the alternatives". Every count in the sentence is a
 * fact the caller can recount. */
#include "rota.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int holds(const rt_person *pe, int skill)
{
    if (skill < 0)
        return 1;
    for (size_t i = 0; i < pe->n_skills; i++)
        if (pe->skills[i] == skill)
            return 1;
    return 0;
}

static int in_reach(const sp_rota *r, const rt_prep *prep, size_t p, size_t k)
{
    double t = prep->post_travel[p * r->n_posts + k];
    double max = r->people[p].max_travel;
    return t != HUGE_VAL && (max < 0 || t <= max);
}

/* Appends ", name (n)" for every rule bit counted in `counts`. */
static void list_rules(char *buf, size_t cap, const int *counts)
{
    const char *sep = "";
    for (int b = 0; b < RT_RULE_COUNT; b++) {
        if (!counts[b])
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%s (%d)", sep, sp_rota_rule_name(b), counts[b]);
        sep = ", ";
    }
}

/* Reason for post k on day d, written into buf; returns the SP_RGAP_* code. */
static int reason_for(char *buf, size_t cap, const sp_rota_result *res, const sp_rota *r,
                      const rt_prep *prep, const int *roster, int *line, size_t d, size_t k)
{
    size_t P = r->n_people, H = (size_t)r->days;
    const rt_post *po = &r->posts[k];
    const rt_shift *s = &r->shifts[po->shift];
    const char *skill = po->skill >= 0 ? r->skills[po->skill] : NULL;
    int holders = 0, reach = 0, off = 0, barred = 0, elsewhere = 0, free_ = 0, could = 0;
    int rule_counts[RT_RULE_COUNT] = {0};
    for (size_t p = 0; p < P; p++) {
        const rt_person *pe = &r->people[p];
        if (!holds(pe, po->skill))
            continue;
        holders++;
        if (!in_reach(r, prep, p, k))
            continue;
        reach++;
        if (pe->day_off[d]) {
            off++;
            continue;
        }
        if (pe->max_shifts[po->shift] == 0) {
            barred++;
            continue;
        }
        int now = roster[p * H + d];
        if (now == (int)k)
            continue; /* already on it */
        if (now >= 0) {
            elsewhere++;
            continue;
        }
        free_++;
        memcpy(line, roster + p * H, H * sizeof *line);
        line[d] = (int)k;
        unsigned broken = sp_rota_line_breaks(r, prep, p, line);
        if (!broken)
            could++;
        for (int b = 0; b < RT_RULE_COUNT; b++)
            rule_counts[b] += (broken >> b) & 1;
    }
    if (!holders) {
        if (skill)
            snprintf(buf, cap, "nobody holds the skill '%s'", skill);
        else
            snprintf(buf, cap, "there are no people");
        return SP_RGAP_NO_SKILL;
    }
    const char *who = skill ? "holding the skill" : "in the rota";
    if (!reach) {
        snprintf(buf, cap, "out of travel reach: everyone %s (%d) is too far from site '%s'", who,
                 holders, po->site >= 0 ? r->sites[po->site] : "?");
        return SP_RGAP_NO_REACH;
    }
    int on_it = reach - off - barred - elsewhere - free_;
    if (off + barred == reach) {
        snprintf(buf, cap,
                 "qualified people are off that day: of %d qualified and in reach, %d off (day "
                 "off or absence), %d may not work shift '%s'",
                 reach, off, barred, s->id);
        return SP_RGAP_OFF;
    }
    if (!could) {
        snprintf(buf, cap,
                 "qualified people are working elsewhere or at their limits: of %d qualified and "
                 "in reach, %d off, %d may not work shift '%s', %d on this post, %d working "
                 "another post that day, %d free but a hard rule stops them",
                 reach, off, barred, s->id, on_it, elsewhere, free_);
        if (free_) {
            size_t len = strlen(buf);
            snprintf(buf + len, cap - len, " (");
            list_rules(buf, cap, rule_counts);
            len = strlen(buf);
            snprintf(buf + len, cap - len, ")");
        }
        return SP_RGAP_BUSY;
    }
    if (res->status == SP_STATUS_OPTIMAL) {
        snprintf(buf, cap,
                 "left unmet: cheaper than the alternatives (qualified, free that day and able "
                 "to take it within the hard rules: %d; the optimum pays the under-staffing "
                 "weight instead)",
                 could);
        return SP_RGAP_TRADE_OFF;
    }
    snprintf(buf, cap,
             "left unmet, not proved cheaper (qualified, free that day and able to take it within "
             "the hard rules: %d; the search stopped before proving why)",
             could);
    return SP_RGAP_NOT_PROVED;
}

int sp_rota_gap_reasons(sp_rota_result *res, const sp_rota *r, const rt_prep *prep,
                        const int *roster)
{
    size_t H = (size_t)r->days;
    int *line = malloc((H ? H : 1) * sizeof *line);
    if (!line)
        return SP_ENOMEM;
    char buf[640];
    int ok = 1;
    for (size_t i = 0; i < res->n_cover; i++) {
        sp_rota_cover_result *c = &res->cover[i];
        if (c->assigned >= c->requirement)
            continue;
        buf[0] = '\0';
        c->reason_code =
            reason_for(buf, sizeof buf, res, r, prep, roster, line, (size_t)c->day, i % r->n_posts);
        c->reason = sp_rota_result_keep(res, buf, &ok);
        if (!ok)
            break;
    }
    free(line);
    return ok ? SP_OK : SP_ENOMEM;
}
