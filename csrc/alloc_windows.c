/* Fix-and-optimise windows of the allocation (sp_mip_set_window; the search is mip_lns.c): which
 * binaries a window frees, given the stage and the best plan so far. Units are listed worst
 * first (the people who could serve the worst-served partners; the rules furthest short), and
 * later rounds move the window along the list, so that units that help only indirectly (someone
 * who frees a colleague for the worst partner) get their turn. */
#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A limited person (their partner binaries) or a resilience rule (its depth binaries): the
 * binaries are links[first_link .. end_link). */
typedef struct window_unit {
    double score;
    int id; /* staff or rule index: ties in score go by it, so windows are reproducible */
    size_t first_link, end_link;
} window_unit;

static int cmp_unit(const void *a, const void *b)
{
    const window_unit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->id - y->id;
}

int sp_alloc_windows_init(model *m)
{
    size_t units = m->pool->n_staff + m->pool->n_rules;
    m->window_units = malloc((units ? units : 1) * sizeof *m->window_units);
    m->window_mark = calloc(m->pool->n_staff ? m->pool->n_staff : 1, 1);
    return m->window_units && m->window_mark ? SP_OK : SP_ENOMEM;
}

/* Lists the units of `term` in m->window_units (limited people for fairness, rules with depth
 * binaries for resilience), scored from the plan x1; returns how many. */
static size_t list_units(model *m, const double *x1, int term)
{
    const sp_pool *pool = m->pool;
    if (term == SP_TERM_FAIRNESS) {
        for (size_t p = 0; p < pool->n_partners; p++)
            m->partner_unmet[p] = 0.0;
        for (size_t d = 0; d < pool->n_demand; d++)
            m->partner_unmet[pool->demand[d].partner] += x1[m->n_pairs + d + 1];
    }
    size_t n = 0;
    for (size_t i = 0; i < m->n_links;) {
        const serve_link *link = &m->links[i];
        size_t end = i + 1;
        if (link->limit_group >= 0) /* one person's partner binaries are consecutive */
            while (end < m->n_links && m->links[end].limit_group == link->limit_group)
                end++;
        else /* so are one rule's depth binaries */
            while (end < m->n_links && m->links[end].limit_group < 0 &&
                   m->link_key[end] == m->link_key[i])
                end++;
        if (term == SP_TERM_FAIRNESS && link->limit_group >= 0) {
            /* the largest unmet fraction among the partners this person could serve */
            double score = 0.0;
            for (size_t a = i; a < end; a++) {
                int p = m->link_key[a];
                if (m->partner_hours[p] > 0.0)
                    score = fmax(score, m->partner_unmet[p] / m->partner_hours[p]);
            }
            m->window_units[n++] = (window_unit){score, link->limit_group, i, end};
        } else if (term == SP_TERM_RESILIENCE && link->limit_group < 0) {
            /* people missing from the rule's minimum */
            const sp_rule *rule = &pool->rules[m->link_key[i]];
            double serving = 0.0;
            for (size_t a = i; a < end; a++)
                serving += x1[m->links[a].binary + 1];
            m->window_units[n++] =
                (window_unit){fmax(0.0, rule->min_people - serving), m->link_key[i], i, end};
        }
        i = end;
    }
    return n;
}

/* Frees the partner binaries of every limited person who serves in one of the chosen rules'
 * depth links, so that a person can change partners to count there. */
static void free_partners_of_marked(model *m, unsigned char *free_col)
{
    for (size_t i = 0; i < m->n_links; i++) {
        const serve_link *link = &m->links[i];
        if (link->limit_group >= 0 && m->window_mark[link->limit_group])
            free_col[link->binary] = 1;
    }
}

size_t sp_alloc_window(void *ctx, const double *x1, int term, unsigned round, size_t size,
                       unsigned char *free_col)
{
    model *m = ctx;
    if ((term != SP_TERM_FAIRNESS && term != SP_TERM_RESILIENCE) || size == 0)
        return 0;
    size_t n = list_units(m, x1, term);
    if (n == 0)
        return 0;
    qsort(m->window_units, n, sizeof *m->window_units, cmp_unit);
    size_t take = size < n ? size : n, offset = size < n ? (round * ((size + 1) / 2)) % n : 0;
    memset(m->window_mark, 0, m->pool->n_staff);
    for (size_t k = 0; k < take; k++) {
        const window_unit *u = &m->window_units[(offset + k) % n];
        for (size_t a = u->first_link; a < u->end_link; a++) {
            const serve_link *link = &m->links[a];
            free_col[link->binary] = 1;
            if (link->limit_group < 0 && link->count > 0) /* a depth binary: whose is it */
                m->window_mark[m->pairs[m->link_cols[link->first]].staff] = 1;
        }
    }
    if (term == SP_TERM_RESILIENCE)
        free_partners_of_marked(m, free_col);
    return n;
}
