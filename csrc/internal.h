/* Private structures and helpers shared by the C modules. Not installed, not part of the API. */
#ifndef SP_INTERNAL_H
#define SP_INTERNAL_H

#include "staffpool.h"

#include <stdarg.h>
#include <stddef.h>

#define SP_VERSION "0.1.0"
#define SP_MAX_ID_LEN 128
#define SP_MAX_PERIODS 100000
#define SP_MAX_HOURS 1e7 /* larger values are unit mistakes, not pools */
#define SP_MAX_LEVEL 5
#define SP_PRIORITY_COUNT 3

/* ---- errors (error.c) ---- */
int sp_fail(sp_error *err, int code, const char *fmt, ...);
/* A validation failure about one record and field: "<kind> '<id>': <field>: <why>". */
int sp_fail_field(sp_error *err, const char *kind, const char *id, const char *field,
                  const char *fmt, ...);
void sp_ok(sp_error *err);

/* ---- string -> index map (idmap.c): open addressing, owns copies of its keys ---- */
typedef struct sp_idmap {
    char **keys;
    int *values;
    size_t capacity; /* power of two or 0 */
    size_t count;
} sp_idmap;

void sp_idmap_free(sp_idmap *map);
/* Index for key, or -1. */
int sp_idmap_get(const sp_idmap *map, const char *key);
/* Adds key -> value; returns SP_OK, SP_ENOMEM, or SP_EINVAL when the key is already present. */
int sp_idmap_put(sp_idmap *map, const char *key, int value);

/* ---- value checks (validate.c): each failure names the record and field ---- */
int sp_check_id(sp_error *err, const char *kind, const char *id);
/* What every engine's solve does first: *opts NULL becomes the defaults (filled into
 * *defaults), then time_limit must be a number (not NaN) and rel_gap in [0, 1). */
int sp_take_solve_options(const sp_solve_options **opts, sp_solve_options *defaults,
                          sp_error *err);
int sp_check_number(sp_error *err, const char *kind, const char *id, const char *field, double v,
                    double lo, double hi);
int sp_check_int(sp_error *err, const char *kind, const char *id, const char *field, int v, int lo,
                 int hi);
/* Index of `ref` in map, or -1 with err filled ("unknown <ref_kind> '<ref>'" or "is required"). */
int sp_lookup_id(sp_error *err, const sp_idmap *map, const char *kind, const char *id,
                 const char *field, const char *ref_kind, const char *ref);
/* Adds id -> index, or fails naming the duplicate. */
int sp_register_id(sp_error *err, sp_idmap *map, const char *kind, const char *id, size_t index);

/* Growable arrays: `sp_grow(&ptr, &cap, need, sizeof *ptr)` makes room for `need` elements. */
int sp_grow(void *ptr_to_array, size_t *capacity, size_t need, size_t elem_size);
char *sp_strdup(const char *s);

/* ---- the pool (pool.c) ---- */
typedef struct sp_partner {
    char *id, *name;
    double population;
    int first_site; /* -1 until a site is added */
} sp_partner;

typedef struct sp_site {
    char *id, *name;
    int partner;
    double lat, lon;
} sp_site;

typedef struct sp_skill {
    char *id, *name;
} sp_skill;

typedef struct sp_staff_skill {
    int skill;
    int level;
} sp_staff_skill;

typedef struct sp_staff {
    char *id, *name;
    int partner, site;
    double contracted, cost_per_hour, max_travel; /* max_travel < 0: unlimited */
    int max_partners;                             /* <= 0: unlimited */
    sp_staff_skill *skills;
    size_t n_skills, cap_skills;
    int *authorised; /* partner indices; none: all partners */
    size_t n_authorised, cap_authorised;
    double *available; /* per period */
} sp_staff;

typedef struct sp_demand {
    int partner, site, skill, period;
    double hours;
    int min_level, priority, local_only;
} sp_demand;

typedef struct sp_rule {
    int partner, skill, min_people;
    double max_share;
} sp_rule;

typedef struct sp_travel_override {
    int from, to;
    double minutes;
    int explicit_pair; /* given in this direction (not mirrored) */
} sp_travel_override;

struct sp_pool {
    int periods;
    double reserve_share, travel_speed_kmh, visit_hours, min_engagement;
    double priority_weight[SP_PRIORITY_COUNT];

    sp_partner *partners;
    size_t n_partners, cap_partners;
    sp_site *sites;
    size_t n_sites, cap_sites;
    sp_skill *skills;
    size_t n_skills, cap_skills;
    sp_staff *staff;
    size_t n_staff, cap_staff;
    sp_demand *demand;
    size_t n_demand, cap_demand;
    sp_rule *rules;
    size_t n_rules, cap_rules;
    sp_travel_override *travel;
    size_t n_travel, cap_travel;

    sp_idmap partner_ids, site_ids, skill_ids, staff_ids, rule_keys;
};

/* Level of staff s in skill k (0 if not held). */
int sp_staff_level(const sp_staff *s, int skill);
/* Whether staff s may work for partner p. */
int sp_staff_authorised(const sp_staff *s, int partner);

/* ---- travel (travel.c) ---- */
/* Great-circle distance in km. */
double sp_haversine_km(double lat1, double lon1, double lat2, double lon2);
/* Dense site x site matrix of one-way minutes (overrides applied); caller frees. NULL on ENOMEM. */
double *sp_travel_matrix(const sp_pool *pool);
/* Records one-way minutes between two sites of `site_ids` in the override list, and the reverse
 * unless that direction was given itself; errors name the record and field. */
int sp_travel_set(sp_travel_override **items, size_t *n, size_t *cap, const sp_idmap *site_ids,
                  const char *from_site, const char *to_site, double minutes, sp_error *err);

/* ---- solver layer (mip_*.c): the only code that calls GLPK ---- */
typedef struct sp_mip sp_mip;

enum { SP_ROW_LE = 0, SP_ROW_GE = 1, SP_ROW_EQ = 2 };
#define SP_MIP_MAX_TERMS 4

sp_mip *sp_mip_new(int n_terms);
void sp_mip_free(sp_mip *mip);
/* Column index (0-based) or a negative error code. ub may be HUGE_VAL. */
int sp_mip_add_col(sp_mip *mip, double lb, double ub, int binary);
int sp_mip_add_row(sp_mip *mip, int type, double rhs);
int sp_mip_add_coef(sp_mip *mip, int row, int col, double value);
int sp_mip_set_obj(sp_mip *mip, int term, int col, double coef);
/* Optional: a function that, given a candidate solution (1-based column values), sets the
 * binaries to the values the continuous columns imply (e.g. "serves" = 1 when enough hours are
 * given). The solver layer uses it to turn relaxations into incumbents; it must be cheap. */
typedef void (*sp_mip_repair_fn)(void *ctx, double *x1);
void sp_mip_set_repair(sp_mip *mip, sp_mip_repair_fn fn, void *ctx);
/* The same, told the stage (term) being solved, so that it can leave the columns held before
 * their stage (sp_mip_set_first_term) at their lower bound and set what depends on them to
 * match. Replaces a hook set by sp_mip_set_repair, and the reverse. */
typedef void (*sp_mip_repair_term_fn)(void *ctx, double *x1, int term);
void sp_mip_set_repair_for_term(sp_mip *mip, sp_mip_repair_term_fn fn, void *ctx);
/* Optional: windows for fix-and-optimise (csrc/mip_lns.c). Given the stage's best plan x1
 * (1-based), the stage (term), a round number and a size (in the builder's own units, e.g.
 * people), marks in free_col (0-based, zeroed by the caller) the binaries to free; every other
 * binary is held at the plan's value while a sub-MIP searches the window. Returns how many
 * units there are to choose from (the window holds `size` of them, or all when fewer): 0 when
 * the builder has no window for this term. Called with the same ctx as the repair hook. */
typedef size_t (*sp_mip_window_fn)(void *ctx, const double *x1, int term, unsigned round,
                                   size_t size, unsigned char *free_col);
void sp_mip_set_window(sp_mip *mip, sp_mip_window_fn fn);
/* Marks a continuous column with lower bound 0 as one the LP may leave out until its reduced cost
 * says it would help (column generation). Builders mark the many hours columns this way; `group`
 * (>= 0) gathers columns that compete for the same thing (e.g. the people for one demand record),
 * of which each pricing round brings in only the few best. */
void sp_mip_set_lazy(sp_mip *mip, int col, int group);
/* Block structure for a fast first LP: rows and columns of block b >= 0 (e.g. one period) form
 * an LP of their own once the linking rows (block -1) are dropped. The solver layer solves each
 * block alone and starts the whole LP from their bases, the linking rows' slacks basic and the
 * linking columns at a bound (the upper one for columns marked with sp_mip_set_start_upper).
 * Pass row or col -1 to tag only the other. */
void sp_mip_set_block(sp_mip *mip, int row, int col, int block);
void sp_mip_set_start_upper(sp_mip *mip, int col);
/* Marks term t as one whose optimum the LP relaxation attains (binaries do not affect it), so the
 * stage is solved as an LP. The model builder must know this to be true. */
void sp_mip_set_lp_exact(sp_mip *mip, int term);
/* The smallest scale term t's gap is measured against: a stage counts as solved when
 * value - bound <= rel_gap * max(|value|, unit). Without it a term near zero (0.02 over a bound
 * of 0) has a relative gap of 100% however close it is, and spends its whole time window. */
void sp_mip_set_term_unit(sp_mip *mip, int term, double unit);
/* Marks a (non-lazy) column as one that cannot help any term before `term`: the stages before it
 * hold the column at its lower bound, which must keep every earlier term's optimum reachable (the
 * builder must know this to be true; e.g. the resilience depth binaries, which only ever lower
 * the resilience term). Those stages then neither branch on it nor carry it in their LPs. */
void sp_mip_set_first_term(sp_mip *mip, int col, int term);
/* Changes the bounds of an existing column, e.g. fixes a binary at 0 or 1 (lb = ub). A binary's
 * bounds must be 0 or 1, a lazy column's lower bound 0. Returns SP_OK or SP_ERANGE. */
int sp_mip_set_bounds(sp_mip *mip, int col, double lb, double ub);
/* A start solution: x[0 .. cols-1], copied. The first stage takes it as its first incumbent when
 * it meets every bound, integrality and row (checked, to 1e-6 relative: GLPK would take it on
 * trust), and its fixing heuristic starts from it; otherwise it is ignored (log level 2 says
 * so). Set it after the last column is added. Returns SP_OK or SP_ENOMEM. */
int sp_mip_set_start(sp_mip *mip, const double *x);
/* With stop = 1, every stage stops at its first plan (a start solution, a heuristic's or
 * branch-and-cut's first) and hands it on; the result is "feasible" with each term's honest
 * gap unless a plan is proved on the spot. */
void sp_mip_set_stop_at_first(sp_mip *mip, int stop);
size_t sp_mip_cols(const sp_mip *mip);
size_t sp_mip_rows(const sp_mip *mip);
size_t sp_mip_binaries(const sp_mip *mip);

typedef struct sp_mip_result {
    int status;      /* SP_STATUS_* */
    int stop_reason; /* SP_STOP_* */
    double *x;       /* column values (NULL when no solution); owned, free with sp_mip_result_clear */
    double term_value[SP_MIP_MAX_TERMS];
    double term_bound[SP_MIP_MAX_TERMS];
    double seconds;
} sp_mip_result;

void sp_mip_result_clear(sp_mip_result *res);

/* Lexicographic solve of all terms (see docs/model.md "How the order is guaranteed"). Returns 0
 * with res filled whatever the status, or SP_ESOLVER / SP_ENOMEM. */
int sp_mip_solve_lex(sp_mip_result *res, const sp_mip *mip, const sp_solve_options *opts,
                     sp_error *err);

/* Test hook: when set, the solver layer passes GLPK an invalid column index to raise a fatal
 * GLPK error inside the trap. */
void sp_mip_inject_glpk_fault(sp_mip *mip);
/* Appends text (GLPK's terminal output) to tail (size bytes, NUL-terminated), keeping the last
 * size - 1 characters: what an error message quotes of GLPK's own words. Solver layer only. */
void sp_glpk_keep_tail(char *tail, size_t size, const char *text);

/* ---- restricted master LP for column generation (mip_master.c) ----
 * Rows first (type SP_ROW_*, rhs), then columns (cost, bounds, sparse rows) at any time; each
 * sp_master_solve runs the primal simplex from the last optimal basis (new columns nonbasic at
 * their lower bound) inside a GLPK error trap, and keeps no GLPK object alive in between. */
typedef struct sp_master sp_master;
enum {
    SP_MASTER_NOT_SOLVED = 0,
    SP_MASTER_OPTIMAL = 1,    /* duals, values and objective are those of an optimal basis */
    SP_MASTER_INFEASIBLE = 2, /* no point meets the rows and bounds */
    SP_MASTER_UNBOUNDED = 3,
    SP_MASTER_STOPPED = 4 /* time limit (or a numerical failure): nothing read back */
};
sp_master *sp_master_new(void); /* NULL on ENOMEM */
void sp_master_free(sp_master *ms);
/* Row index (0-based) or SP_ESTATE (columns exist already), SP_ERANGE, SP_ENOMEM. */
int sp_master_add_row(sp_master *ms, int type, double rhs);
/* Column index or SP_ERANGE (bad bound, row or value), SP_ENOMEM. lb finite, ub may be HUGE_VAL. */
int sp_master_add_col(sp_master *ms, double cost, double lb, double ub, int n, const int *rows,
                      const double *values);
/* Solves within time_limit seconds (HUGE_VAL: none). SP_OK with sp_master_status set, or
 * SP_ESOLVER (a GLPK fatal error, trapped; the master stays usable) / SP_ENOMEM. */
int sp_master_solve(sp_master *ms, double time_limit, sp_error *err);
/* New bounds of a column (e.g. fixed at 1 to dive); SP_OK or SP_ERANGE. */
int sp_master_set_col_bounds(sp_master *ms, int col, double lb, double ub);
int sp_master_status(const sp_master *ms); /* SP_MASTER_* */
int sp_master_rows(const sp_master *ms);
int sp_master_cols(const sp_master *ms);
/* Of the last optimal solve: objective, a row's dual (reduced cost of col j = cost_j -
 * sum_i a_ij dual_i), a column's value. */
double sp_master_objective(const sp_master *ms);
double sp_master_row_dual(const sp_master *ms, int row);
double sp_master_col_value(const sp_master *ms, int col);
double sp_master_col_cost(const sp_master *ms, int col);
/* The master as a MIP (one objective term), columns with binary[j] set as binaries in [0, 1]
 * (their lower bound must be 0 and upper at least 1); NULL on ENOMEM or a bad binary. Solve it
 * with sp_mip_solve_lex. */
sp_mip *sp_master_as_mip(const sp_master *ms, const unsigned char *binary);
/* Test hook: the next solve raises a GLPK fatal error inside the trap. */
void sp_master_inject_glpk_fault(sp_master *ms);

/* Monotonic wall clock in seconds. */
double sp_now(void);
int sp_cancel_is_raised(const sp_cancel *cancel);
/* Posts the state of a running solve (progress may be NULL: nothing happens). has_incumbent 0:
 * incumbent is ignored. Thread-safe. */
void sp_progress_post(sp_progress *progress, int stage, int stages, int has_incumbent,
                      double incumbent, double bound, double seconds);

/* ---- solution (solution.c): self-contained copy of a plan ---- */
struct sp_solution {
    int status, stop_reason;
    double gap, seconds, build_seconds;
    sp_term terms[SP_TERM_COUNT];
    size_t columns, rows, binaries;
    char **strings; /* owned copies of every id the arrays point to */
    size_t n_strings;
    sp_assignment *assignments;
    size_t n_assignments;
    sp_unmet *unmet;
    size_t n_unmet;
    sp_partner_summary *partners;
    size_t n_partners;
    sp_resilience *resilience;
    size_t n_resilience;
};

/* Copies of the pool's ids, owned by sol, indexed like the pool's lists. */
typedef struct sp_id_copies {
    const char **partner, **site, **skill, **staff;
} sp_id_copies;
int sp_solution_copy_ids(sp_solution *sol, sp_id_copies *ids, const sp_pool *pool);
void sp_id_copies_free(sp_id_copies *ids);

#endif
