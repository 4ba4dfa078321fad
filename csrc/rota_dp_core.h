/* The one dynamic programming over a person's line (rota_dp_core.c), shared by the construction's
 * line search and column generation's pricing (rota_dp.c drives it; docs/rota.md "The search").
 * Internal to those files. */
#ifndef SP_ROTA_DP_CORE_H
#define SP_ROTA_DP_CORE_H

#include "rota.h"

/* A shift that gains nothing is not worked: every worked day costs this much more, so ties go to
 * the day off. A path's value is therefore at most DP_TIE x days above its line's cost. */
#define DP_TIE 1e-7

/* What a cell of the table is: the rule state (the class of the shift type worked last, or off;
 * the length of the current run, saturating at L; whether that run began on day 0) and the
 * counters held exactly -- worked weekends (W levels), shifts of one type (N levels) and minutes
 * (M levels of `unit` minutes). A counter with one level is not held: its rule is priced by a
 * multiplier instead. A row is (rule state, weekends, count); its M minute levels are consecutive
 * cells, so a move shifts a whole row in one pass. */
typedef struct dp_space {
    int H, T, C, G; /* days; shift types; classes of "worked last"; moves (groups of types) */
    int *class_of;  /* per type: its class (types with the same forbidden successors) */
    int *class_rep; /* per class: a type of it */
    int *group_of;  /* per type: its move (alike in class, forbidden predecessors, length and
                       counted or not) */
    int *group_rep; /* per move: a type of it */
    int L, R;       /* run lengths kept (saturating); rule states (C + 1) * L * 2 */
    int min_work, max_work, min_off;
    int W;           /* worked-weekend levels: max weekends + 1, or 1 (priced) */
    int ct, N;       /* the counted shift type (-1: none) and its levels (max shifts + 1, or 1) */
    int M, unit;     /* minute levels (1: priced) and minutes per level */
    int min_level;   /* least level at the end */
    int max_bounded; /* a level past M - 1 breaks the maximum (else the last level saturates) */
    int *floor;      /* per day: the least level from which min_level can still be reached */
} dp_space;

/* The multipliers of the rules not held in the state: per minute, per worked weekend, per shift
 * of type t (mu has T entries). */
typedef struct dp_mult {
    double lambda, nu, *mu;
} dp_mult;

typedef struct dp_work {
    double *prev, *now;     /* the rows of the day before and of the day */
    int *back;              /* per (day, cell): the cell of the day before (-1: the start) */
    short *move;            /* per (day, cell): the move taken (-1: off) */
    int *move_post;         /* per (day, move): the post it works (-1: none) */
    int *path;              /* per day: the cell the last path is in after it */
    int *prev_lo, *prev_hi; /* per row: the levels prev may hold (outside: HUGE_VAL) */
    int *now_lo, *now_hi;   /* the same for now */
    double *type_cost, *move_cost;
    int *type_post;
    size_t cells; /* what the table was made for */
} dp_work;

/* The space of person p with no counter held (W = N = M = 1): classes, moves, rule states.
 * SP_ENOMEM (sp is freed either way by dp_space_free). */
int dp_space_init(dp_space *sp, const sp_rota *r, size_t p);
void dp_space_free(dp_space *sp);
/* Cells a day with the counters as given. */
double dp_space_cells(const dp_space *sp, int W, int N, int M);
/* The back-pointer table's size in bytes (6 a cell and day). */
double dp_table_bytes(const dp_space *sp);
/* Each of these adds a counter to the state when its rule can bind and the table stays within
 * max_bytes: 1 added, 0 not. The worked weekends (W = limit + 1). */
int dp_count_weekends(dp_space *sp, const sp_rota *r, const rt_prep *prep, size_t p,
                      double max_bytes);
/* The shifts of the type with the tightest limit that can bind (N = limit + 1); the moves are
 * regrouped (that type moves alone); SP_ENOMEM. */
int dp_count_type(dp_space *sp, const sp_rota *r, size_t p, double max_bytes);
/* The minutes (levels of the shift lengths' common divisor), with the per-day floor. */
int dp_count_minutes(dp_space *sp, const sp_rota *r, size_t p, double max_bytes);

/* (Re)allocates w's table for sp; SP_ENOMEM. */
int dp_work_alloc(dp_work *w, const dp_space *sp);
void dp_work_free(dp_work *w);

/* The cheapest path under cost (days x posts, HUGE_VAL: not allowed; off_ok[d]: day d may be off)
 * plus the multipliers and DP_TIE per worked day, keeping the rules held in the state: its line
 * into line (post per day, -1 off), its value into *value, w->path filled. 0 when none exists. */
int dp_best_path(const sp_rota *r, const double *cost, const unsigned char *off_ok,
                 const dp_mult *mult, const dp_space *sp, dp_work *w, int *line, double *value);

#endif
