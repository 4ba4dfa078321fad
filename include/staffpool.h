/*
 * staffpool: plans pooled specialist staff shared by partner organisations.
 *
 * The whole public C API. Conventions:
 *  - functions that can fail return int: 0 on success, a negative SP_E* code otherwise;
 *  - a caller-allocated sp_error (may be NULL) is the last argument and receives the code, a
 *    message, and for validation errors the record and field concerned;
 *  - opaque handles come in new/free pairs; every free accepts NULL;
 *  - strings passed in are copied; strings and arrays handed out are owned by the object that hands
 *    them out and live as long as it does;
 *  - a handle is used by one thread at a time; different handles may be used in parallel.
 *
 * Copyright (C) 2026 the staffpool authors. GPL-3.0-or-later (the library links GLPK).
 */
#ifndef STAFFPOOL_H
#define STAFFPOOL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CFFI-CDEF-BEGIN (python/build_ffi.py feeds the text between these markers to cffi.cdef) */

/* ---- errors --------------------------------------------------------------------------------- */

enum {
    SP_OK = 0,
    SP_EINVAL = -1,    /* invalid input: a record or field is wrong (record/field are filled) */
    SP_ENOMEM = -2,    /* out of memory */
    SP_ESOLVER = -3,   /* the solver (GLPK) failed; the message carries its text */
    SP_ESTATE = -4,    /* call not valid in the object's current state */
    SP_ERANGE = -5,    /* an index or a size is out of range, or a size product overflows */
    SP_ECANCELLED = -6 /* reserved: cancellation is reported as a solution status, not an error */
};

/* Filled by every function that takes it (when not NULL). */
typedef struct sp_error {
    int code;           /* one of the SP_E* codes; SP_OK after success */
    char message[512];  /* human-readable, names the record and field when there is one */
    char record[160];   /* e.g. "staff 'EH-07'"; empty when not about a record */
    char field[64];     /* e.g. "contracted_hours"; empty when not about a field */
} sp_error;

/* Static text for an error code. */
const char *sp_strerror(int code);

/* Library version, e.g. "0.1.0". */
const char *sp_version(void);

/* ---- pool: the problem, built record by record and validated as it is built ----------------- */

typedef struct sp_pool sp_pool;

enum { SP_PRIORITY_STATUTORY = 0, SP_PRIORITY_CORE = 1, SP_PRIORITY_DISCRETIONARY = 2 };

/* A new empty pool with `periods` planning periods (1..100000). Free with sp_pool_free. */
int sp_pool_new(sp_pool **out, int periods, sp_error *err);
void sp_pool_free(sp_pool *pool);

/* Pool-wide settings (see docs/model.md). Defaults: reserve 0, speed 40 km/h, visit 7.5 h,
 * minimum engagement 1 h, priority weights 100 / 10 / 1. */
int sp_pool_set_reserve_share(sp_pool *pool, double share, sp_error *err);
int sp_pool_set_travel_speed(sp_pool *pool, double kmh, sp_error *err);
int sp_pool_set_visit_hours(sp_pool *pool, double hours, sp_error *err);
int sp_pool_set_min_engagement(sp_pool *pool, double hours, sp_error *err);
int sp_pool_set_priority_weight(sp_pool *pool, int priority, double weight, sp_error *err);

/* Records refer to records added before them: partners, sites, skills, staff, then the rest.
 * Ids are 1..128 bytes, unique within their kind. Names may be NULL. */
int sp_pool_add_partner(sp_pool *pool, const char *id, const char *name, double population,
                        sp_error *err);
int sp_pool_add_site(sp_pool *pool, const char *id, const char *partner_id, const char *name,
                     double lat, double lon, sp_error *err);
/* One-way travel minutes between two sites; also sets the reverse unless it was given itself. */
int sp_pool_set_travel_minutes(sp_pool *pool, const char *from_site, const char *to_site,
                               double minutes, sp_error *err);
int sp_pool_add_skill(sp_pool *pool, const char *id, const char *name, sp_error *err);

/* max_travel_minutes < 0 means unlimited; max_partners <= 0 means unlimited. */
int sp_pool_add_staff(sp_pool *pool, const char *id, const char *name, const char *partner_id,
                      const char *site_id, double contracted_hours, double cost_per_hour,
                      double max_travel_minutes, int max_partners, sp_error *err);
/* Level 1..5. */
int sp_pool_add_staff_skill(sp_pool *pool, const char *staff_id, const char *skill_id, int level,
                            sp_error *err);
/* Restricts the staff member to the partners authorised this way (none given: all partners). */
int sp_pool_authorise(sp_pool *pool, const char *staff_id, const char *partner_id, sp_error *err);
/* Hours available in one period, 0..contracted hours (default: contracted hours). */
int sp_pool_set_availability(sp_pool *pool, const char *staff_id, int period, double hours,
                             sp_error *err);

/* site_id may be NULL (the partner's first site). priority is an SP_PRIORITY_* value. */
int sp_pool_add_demand(sp_pool *pool, const char *partner_id, const char *site_id,
                       const char *skill_id, int period, double hours, int min_level, int priority,
                       int local_only, sp_error *err);
/* min_people >= 0; 0 < max_share <= 1. One rule per (partner, skill). */
int sp_pool_set_resilience(sp_pool *pool, const char *partner_id, const char *skill_id,
                           int min_people, double max_share, sp_error *err);

/* Record counts, for callers that mirror the pool. */
int sp_pool_periods(const sp_pool *pool);
size_t sp_pool_staff_count(const sp_pool *pool);
size_t sp_pool_demand_count(const sp_pool *pool);

/* ---- solving -------------------------------------------------------------------------------- */

/* A cancellation flag another thread may raise while a solve runs. */
typedef struct sp_cancel sp_cancel;
int sp_cancel_new(sp_cancel **out, sp_error *err);
void sp_cancel_free(sp_cancel *cancel);
void sp_cancel_raise(sp_cancel *cancel); /* thread-safe */
void sp_cancel_reset(sp_cancel *cancel);

typedef struct sp_solve_options {
    double time_limit;   /* seconds of wall clock for the whole solve; < 0 (default): none;
                            0: stop at once (status NO_SOLUTION) */
    double rel_gap;      /* relative MIP gap at which a stage counts as solved (default 1e-6) */
    int log_level;       /* 0 silent (default), 1 errors, 2 progress, 3 everything (to stderr) */
    sp_cancel *cancel;   /* may be NULL; not owned */
    const char *model_file; /* if not NULL, the first stage's model is written there (free MPS)
                               for inspection with other solvers; not owned */
} sp_solve_options;

/* Fills the defaults. */
void sp_solve_options_init(sp_solve_options *opts);

enum {
    SP_STATUS_OPTIMAL = 0,     /* every objective stage proved optimal (within rel_gap) */
    SP_STATUS_FEASIBLE = 1,    /* a plan, but not proved optimal: see gap and stop reason */
    SP_STATUS_INFEASIBLE = 2,  /* the hard rules contradict each other */
    SP_STATUS_NO_SOLUTION = 3  /* stopped (time limit or cancel) before any plan was found */
};

enum { SP_STOP_NONE = 0, SP_STOP_TIME_LIMIT = 1, SP_STOP_CANCELLED = 2 };

/* Objective terms, in their strict order. */
enum {
    SP_TERM_UNMET = 0,      /* unmet demand weighted by priority */
    SP_TERM_FAIRNESS = 1,   /* largest unmet fraction of any partner */
    SP_TERM_RESILIENCE = 2, /* resilience shortfall */
    SP_TERM_COST = 3,       /* pay plus travel time */
    SP_TERM_COUNT = 4
};

enum {
    SP_REASON_NONE = 0,
    SP_REASON_NO_SKILL = 1,
    SP_REASON_LOCAL_ONLY = 2,
    SP_REASON_NOT_AUTHORISED = 3,
    SP_REASON_TRAVEL = 4,
    SP_REASON_UNAVAILABLE = 5,
    SP_REASON_PARTNER_LIMIT = 6,
    SP_REASON_FULLY_BOOKED = 7,
    SP_REASON_SEARCH_STOPPED = 8
};

/* Short machine name ("fully_booked") and a sentence for each SP_REASON_* value. */
const char *sp_reason_name(int reason);
const char *sp_reason_text(int reason);

typedef struct sp_solution sp_solution;

/* Hours of one person for one demand record. Strings belong to the solution. */
typedef struct sp_assignment {
    const char *staff_id;
    const char *partner_id;
    const char *skill_id;
    const char *site_id;
    int period;
    size_t demand_index;  /* order in which the demand was added, from 0 */
    double hours;         /* hours worked for the demand */
    double travel_hours;  /* travel time that goes with them */
    double cost;          /* pay for hours and travel */
} sp_assignment;

typedef struct sp_unmet {
    const char *partner_id;
    const char *skill_id;
    const char *site_id;
    int period;
    size_t demand_index;
    int priority;
    double hours_demanded;
    double hours_unmet;
    int reason; /* SP_REASON_* */
} sp_unmet;

typedef struct sp_partner_summary {
    const char *partner_id;
    double hours_demanded;
    double hours_received;
    double hours_unmet;
    double unmet_by_priority[3]; /* indexed by SP_PRIORITY_* */
    double unmet_fraction;       /* hours_unmet / hours_demanded; 0 without demand */
    double cost;                 /* pay and travel for the hours received */
} sp_partner_summary;

typedef struct sp_resilience {
    const char *partner_id;
    const char *skill_id;
    double hours_demanded;
    double hours_received;
    int distinct_people;        /* people giving at least the minimum engagement hours */
    double largest_share;       /* largest one-person share of hours_demanded */
    const char *largest_staff_id; /* who carries it; NULL when nobody serves */
    int min_people;             /* the rule (0 without one) */
    double max_share;           /* the rule (1 without one) */
    int people_short;           /* max(0, min_people - distinct_people) */
    double share_excess_hours;  /* hours carried above max_share, summed over people */
} sp_resilience;

typedef struct sp_term {
    double value;
    double bound; /* best proved lower bound (given the earlier terms) */
    double gap;   /* (value - bound) / max(|value|, 1e-9); 0 when proved */
} sp_term;

/* Solves the pooled allocation of docs/model.md by staged (lexicographic) solves. Returns 0 and a
 * new solution whatever the status (infeasible and time limit are statuses, not errors); a negative
 * code only when the input is invalid or the solver itself failed (e.g. a trapped GLPK error).
 * opts may be NULL (defaults). Free the solution with sp_solution_free. */
int sp_solve(sp_solution **out, const sp_pool *pool, const sp_solve_options *opts, sp_error *err);
void sp_solution_free(sp_solution *sol);

int sp_solution_status(const sp_solution *sol);
int sp_solution_stop_reason(const sp_solution *sol);
double sp_solution_gap(const sp_solution *sol);     /* largest term gap */
double sp_solution_seconds(const sp_solution *sol); /* wall clock of the whole solve */
/* Fills term for SP_TERM_* index t; returns SP_ERANGE for a bad index. */
int sp_solution_term(sp_term *out, const sp_solution *sol, int t);
/* Model size, for reports and benchmarks. */
size_t sp_solution_columns(const sp_solution *sol);
size_t sp_solution_rows(const sp_solution *sol);
size_t sp_solution_binaries(const sp_solution *sol);

/* Arrays owned by the solution; *n receives the length. */
const sp_assignment *sp_solution_assignments(const sp_solution *sol, size_t *n);
const sp_unmet *sp_solution_unmet(const sp_solution *sol, size_t *n);
const sp_partner_summary *sp_solution_partners(const sp_solution *sol, size_t *n);
const sp_resilience *sp_solution_resilience(const sp_solution *sol, size_t *n);

/* Self-test of the GLPK trap: makes GLPK raise a fatal error inside the solver layer and returns
 * the SP_ESOLVER it turns into (with GLPK's message in err). The process must survive it. */
int sp_selftest_glpk_trap(sp_error *err);

/* CFFI-CDEF-END */

#ifdef __cplusplus
}
#endif

#endif /* STAFFPOOL_H */
