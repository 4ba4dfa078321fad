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
    int code;          /* one of the SP_E* codes; SP_OK after success */
    char message[512]; /* human-readable, names the record and field when there is one */
    char record[160];  /* e.g. "staff 'EH-07'"; empty when not about a record */
    char field[64];    /* e.g. "contracted_hours"; empty when not about a field */
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

/* Progress of a running solve, for display while it runs: the solving thread posts to it, any
 * other thread reads a consistent snapshot (a mutex guards it). Posting never changes the plan. */
typedef struct sp_progress sp_progress;
typedef struct sp_progress_snapshot {
    unsigned long updates; /* grows with every post; 0: nothing posted yet */
    int stage, stages;     /* 0-based stage being solved, of how many (for an allocation the
                              stages are the SP_TERM_* in order; a rota has one) */
    int has_incumbent;     /* the stage has a solution: incumbent is its objective value */
    double incumbent;      /* the stage's objective at its best solution so far */
    double bound;          /* the stage's best proved bound; -HUGE_VAL: none yet */
    double gap;            /* (incumbent - bound) / max(|incumbent|, 1e-9); -1 without one */
    double seconds;        /* since the solve started */
} sp_progress_snapshot;
int sp_progress_new(sp_progress **out, sp_error *err);
void sp_progress_free(sp_progress *progress);                                  /* accepts NULL */
void sp_progress_read(const sp_progress *progress, sp_progress_snapshot *out); /* thread-safe */

typedef struct sp_solve_options {
    double time_limit;      /* seconds of wall clock for the whole solve; < 0 (default): none;
                               0: stop at once (status NO_SOLUTION) */
    double rel_gap;         /* relative MIP gap at which a stage counts as solved (default 1e-6) */
    int log_level;          /* 0 silent (default), 1 errors, 2 progress, 3 everything (to stderr) */
    sp_cancel *cancel;      /* may be NULL; not owned */
    const char *model_file; /* if not NULL, the first stage's model is written there (free MPS)
                               for inspection with other solvers; not owned */
    sp_progress *progress;  /* may be NULL; not owned: the solve posts its best objective and
                               bound there as they improve */
} sp_solve_options;

/* Fills the defaults. */
void sp_solve_options_init(sp_solve_options *opts);

enum {
    SP_STATUS_OPTIMAL = 0,    /* every objective stage proved optimal (within rel_gap) */
    SP_STATUS_FEASIBLE = 1,   /* a plan, but not proved optimal: see gap and stop reason */
    SP_STATUS_INFEASIBLE = 2, /* the hard rules contradict each other */
    SP_STATUS_NO_SOLUTION = 3 /* stopped (time limit or cancel) before any plan was found */
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
    size_t demand_index; /* order in which the demand was added, from 0 */
    double hours;        /* hours worked for the demand */
    double travel_hours; /* travel time that goes with them */
    double cost;         /* pay for hours and travel */
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
    int distinct_people;          /* people giving at least the minimum engagement hours */
    double largest_share;         /* largest one-person share of hours_demanded */
    const char *largest_staff_id; /* who carries it; NULL when nobody serves */
    int min_people;               /* the rule (0 without one) */
    double max_share;             /* the rule (1 without one) */
    int people_short;             /* max(0, min_people - distinct_people) */
    double share_excess_hours;    /* hours carried above max_share, summed over people */
} sp_resilience;

typedef struct sp_term {
    double value;
    double bound; /* best proved lower bound (given the earlier terms) */
    double gap;   /* (value - bound) / max(|value|, the term's unit) (docs/model.md "Gaps and
                     tolerance"); 0 when proved */
} sp_term;

/* Solves the pooled allocation of docs/model.md by staged (lexicographic) solves. Returns 0 and a
 * new solution whatever the status (infeasible and time limit are statuses, not errors); a negative
 * code only when the input is invalid or the solver itself failed (e.g. a trapped GLPK error).
 * opts may be NULL (defaults). Free the solution with sp_solution_free. */
int sp_solve(sp_solution **out, const sp_pool *pool, const sp_solve_options *opts, sp_error *err);
void sp_solution_free(sp_solution *sol);

int sp_solution_status(const sp_solution *sol);
int sp_solution_stop_reason(const sp_solution *sol);
double sp_solution_gap(const sp_solution *sol);           /* largest term gap */
double sp_solution_seconds(const sp_solution *sol);       /* wall clock of the whole solve */
double sp_solution_build_seconds(const sp_solution *sol); /* of which building the model */
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

/* ---- store (csrc/store.c): the only SQLite code ------------------------------------------- */
/* One SQLite database holds the pool (input tables), the plans (output tables keyed by run) and
 * the run history; docs/schema.md documents every table. Connections use WAL, synchronous=FULL,
 * foreign_keys=ON and a busy timeout; the schema is versioned with PRAGMA user_version and
 * migrated forward when a database is opened for writing. */

/* Error codes of the store, in addition to the SP_E* codes above. */
enum {
    SP_EBUSY = -7,     /* another connection held the lock past the busy timeout */
    SP_ENODB = -8,     /* missing, unreadable, corrupt, not a staffpool database, or from a newer
                          staffpool; a missing path is never created (except by sp_store_create) */
    SP_EREADONLY = -9, /* a write was asked of a database that is read-only */
    SP_ECHANGED = -10, /* the inputs changed while a plan was solved: the plan was not written */
    SP_EDB = -11 /* any other SQLite failure (I/O error, disk full...): message has its text */
};

enum { SP_STORE_SCHEMA_VERSION = 4 };
enum { SP_STORE_READONLY = 1 }; /* sp_store_open flags */

typedef struct sp_store sp_store;

/* Creates a new database at path (a plain file path, not a URI) with the current schema. Fails
 * with SP_EINVAL (field "path") if anything already exists there: an existing file is never
 * touched. Close with sp_store_close. */
int sp_store_create(sp_store **out, const char *path, sp_error *err);
/* Opens an existing staffpool database; never creates a file. path may be a "file:" URI (e.g.
 * "file:pool.db?mode=ro"). flags: 0 or SP_STORE_READONLY. busy_timeout: seconds to wait for a
 * lock (< 0: 30 s). A writable open migrates an older schema forward (one transaction). */
int sp_store_open(sp_store **out, const char *path, int flags, double busy_timeout, sp_error *err);
void sp_store_close(sp_store *store); /* accepts NULL */
/* 1 when the database cannot be written (opened read-only or not writable). */
int sp_store_readonly(const sp_store *store);
/* PRAGMA integrity_check and foreign_key_check; SP_ENODB with the first problem when not clean. */
int sp_store_check(sp_store *store, sp_error *err);

/* Replaces every input table with the records of pool (borrowed, not changed), in one
 * BEGIN IMMEDIATE transaction; plans and runs are kept. name may be NULL; period_labels is NULL or
 * an array of sp_pool_periods(pool) distinct strings (borrowed). */
int sp_store_save_pool(sp_store *store, const sp_pool *pool, const char *name,
                       const char *const *period_labels, sp_error *err);

/* An import batch: the input saves made between these two calls (pool, redeployment, sharing
 * agreements, rota inputs) land together or not at all, in one BEGIN IMMEDIATE transaction; the
 * references between them are checked at the end (so a pool may drop a partner that a later
 * save of the batch stops referring to). Reads and result writes are refused while it is open.
 * sp_store_import_end with commit 0 discards the batch; a failed check or COMMIT discards it too
 * (SP_EINVAL naming the table and row, or the database error). */
int sp_store_import_begin(sp_store *store, sp_error *err);
int sp_store_import_end(sp_store *store, int commit, sp_error *err);

/* Inputs read for one plan: the pool over a horizon, the hash of every input table and the
 * database's data_version, read in one read transaction. Free with sp_inputs_free. */
typedef struct sp_inputs sp_inputs;
/* Loads the pool through the sp_pool_add_* calls (so a hand-edited database is validated with
 * errors naming the table, record and field). The pool covers periods first_period ..
 * first_period + periods - 1 (periods <= 0: to the end), renumbered from 0; only demand and
 * availability of those periods are read. */
int sp_store_read_inputs(sp_inputs **out, sp_store *store, int first_period, int periods,
                         sp_error *err);
void sp_inputs_free(sp_inputs *inputs); /* accepts NULL */
/* The loaded pool, owned by inputs (valid until sp_inputs_free). */
const sp_pool *sp_inputs_pool(const sp_inputs *inputs);
/* Hex SHA-256 of every input table, whatever the horizon; owned by inputs. */
const char *sp_inputs_hash(const sp_inputs *inputs);
/* The pool's name (owned by inputs; "" when none). */
const char *sp_inputs_name(const sp_inputs *inputs);
int sp_inputs_first_period(const sp_inputs *inputs);
int sp_inputs_total_periods(const sp_inputs *inputs); /* periods in the database */
/* Label of pool period p (0-based, relative to first_period); NULL when periods are unlabelled
 * or p is out of range. Owned by inputs. */
const char *sp_inputs_period_label(const sp_inputs *inputs, int p);
/* Database id (demand.id) of the pool's demand record `index`; -1 when out of range. */
long long sp_inputs_demand_id(const sp_inputs *inputs, size_t index);

/* The nightly write. When sol has a plan: one BEGIN IMMEDIATE transaction checks that the inputs
 * still hash as they did when read, records the run, writes the plan keyed by the run id and
 * makes it current, then commits; the previous current plan is untouched until that commit. When
 * sol has no plan (infeasible, stopped), only the run is recorded. If the inputs changed, nothing
 * is written but a run with status "inputs_changed"; returns SP_ECHANGED. *run_id receives the id
 * of the recorded run (0 when none could be recorded). command is a short text for the run history
 * (borrowed). inputs and sol are borrowed. */
int sp_store_write_plan(long long *run_id, sp_store *store, const sp_inputs *inputs,
                        const sp_solution *sol, const char *command, sp_error *err);
/* Records a run that produced no solution (status e.g. "bad_input" or "error") in its own
 * transaction. inputs may be NULL; message may be NULL; strings are borrowed. */
int sp_store_record_run(long long *run_id, sp_store *store, const sp_inputs *inputs,
                        const char *command, const char *status, const char *message,
                        double seconds, sp_error *err);
/* Id of the current plan, 0 when there is none. */
int sp_store_current_plan(long long *plan_id, sp_store *store, sp_error *err);

/* Reading any table of the schema, row by row (for export and reports). */
typedef struct sp_rows sp_rows;
enum { SP_VALUE_NULL = 0, SP_VALUE_INT = 1, SP_VALUE_REAL = 2, SP_VALUE_TEXT = 3 };
/* Name of table i of the schema (inputs first, then outputs), NULL past the end. Static text. */
const char *sp_store_table(int i);
/* 1 for the plan_* tables (keyed by plan_id), 0 otherwise, -1 for an unknown table. */
int sp_store_table_is_plan(const char *table);
/* Rows of a table of the schema (other names are refused), in stored order. For plan_* tables
 * and plans, plan_id > 0 restricts them to one plan. The cursor holds a read transaction until it
 * is freed: free it promptly with sp_rows_free. */
int sp_store_rows(sp_rows **out, sp_store *store, const char *table, long long plan_id,
                  sp_error *err);
void sp_rows_free(sp_rows *rows); /* accepts NULL */
int sp_rows_columns(const sp_rows *rows);
const char *sp_rows_column_name(const sp_rows *rows, int col); /* owned by rows */
/* Advances: 1 a row is ready, 0 no more rows, or a negative error code. */
int sp_rows_next(sp_rows *rows, sp_error *err);
int sp_rows_type(const sp_rows *rows, int col); /* SP_VALUE_* of the current row's value */
long long sp_rows_int(const sp_rows *rows, int col);
double sp_rows_real(const sp_rows *rows, int col);
/* Text of the current row's value (NULL for NULL); valid until the next sp_rows_next. */
const char *sp_rows_text(const sp_rows *rows, int col);

/* Redeployment scenarios and results (csrc/store_redeploy.c; docs/schema.md "Redeployment").
 * The caller hands rows as plain values; the SQL text is fixed per table. */
typedef struct sp_value {
    int type;         /* SP_VALUE_* */
    long long i;      /* SP_VALUE_INT */
    double r;         /* SP_VALUE_REAL (NaN and infinities are stored as NULL) */
    const char *text; /* SP_VALUE_TEXT, UTF-8 (borrowed) */
} sp_value;
/* Rows of one table: rows * columns values, row by row, in the table's column order (for result
 * tables, without run_id). All borrowed. */
typedef struct sp_table_rows {
    const char *table;
    size_t rows;
    size_t columns;
    const sp_value *values;
} sp_table_rows;
/* Replaces every redeployment input table (redeployments, redeploy_people,
 * redeploy_person_skills, redeploy_preferences, redeploy_vacancies, redeploy_leaving_rates,
 * redeploy_routes) with the given rows (a table not given is left empty) in one BEGIN IMMEDIATE
 * transaction; references to partners, sites and skills are checked before COMMIT. Errors name
 * the table and row (SP_EINVAL). tables are borrowed. */
int sp_store_save_redeployment(sp_store *store, const sp_table_rows *tables, size_t n_tables,
                               sp_error *err);
/* Replaces the sharing agreements (docs/schema.md "Sharing agreements"): rows of agreements
 * (name, skills, rule, fixed_share, fixed_rule, tolerance, total_cost, members; NULL takes the
 * column's default) and agreement_partners (agreement, partner, weight, agreed_share), a table not
 * given being left empty, in one BEGIN IMMEDIATE transaction. agreement_skills is derived from
 * agreements.skills ('all' or comma-separated skill ids); a skill in two agreements, an 'all'
 * agreement beside others, or a reference to a missing partner or skill is refused (SP_EINVAL,
 * naming the table and row). tables are borrowed. */
int sp_store_save_agreements(sp_store *store, const sp_table_rows *tables, size_t n_tables,
                             sp_error *err);
/* A consistent read of the redeployment inputs: opens a read transaction and notes the time,
 * PRAGMA data_version and the SHA-256 of the redeployment inputs (redeploy_* input tables plus
 * partners, sites, travel_minutes and skills). Read the tables with sp_store_rows, then end the
 * transaction with sp_store_read_end before solving. Free with sp_snapshot_free. */
typedef struct sp_snapshot sp_snapshot;
int sp_store_redeploy_read_begin(sp_snapshot **out, sp_store *store, sp_error *err);
int sp_store_read_end(sp_store *store, sp_error *err);     /* ends the read transaction */
void sp_snapshot_free(sp_snapshot *snapshot);              /* accepts NULL */
const char *sp_snapshot_hash(const sp_snapshot *snapshot); /* owned by snapshot */
/* How one redeployment run ended, for the run history. Strings borrowed; message may be NULL. */
typedef struct sp_run_info {
    const char *status;     /* "optimal", "feasible", "no_solution", ... */
    const char *stopped_by; /* NULL, "time_limit" or "cancelled" */
    double gap, seconds;
    int periods; /* the scenario's periods (<= 0: unknown) */
    const char *message;
} sp_run_info;
/* The redeployment write, as sp_store_write_plan: one BEGIN IMMEDIATE transaction checks that
 * the redeployment inputs still hash as in snapshot, records the run (command, run), and, when
 * run->status is "optimal" or "feasible", writes the result tables (redeploy_results,
 * redeploy_objective, redeploy_outcomes, redeploy_fills, redeploy_pool_work) keyed by the run id,
 * then commits. Inputs changed: only an "inputs_changed" run is recorded; SP_ECHANGED. Any other
 * failure rolls back and records an "error" run (best effort). *run_id receives the recorded run
 * (0 when none). Everything is borrowed. */
int sp_store_write_redeployment(long long *run_id, sp_store *store, const sp_snapshot *snapshot,
                                const char *command, const sp_run_info *run,
                                const sp_table_rows *tables, size_t n_tables, sp_error *err);

/* Test hook (documented in docs/cli.md): sleep this many microseconds after each row written
 * inside a write transaction, so that tests can kill a process in the middle of a write. */
void sp_store_set_write_delay(sp_store *store, int microseconds);

/* ---- redeployment (csrc/redeploy.c) ---- */
/* Matches staff whose posts are deleted ("at risk") to vacancies across partners, in strict
 * order: fewest compulsory redundancies, then least net cost, then fewest relocations, then best
 * fit (docs/redeployment.md). The problem is its own handle, independent of sp_pool: it has its
 * own partners, sites, skills, people, vacancies, leaving rates and retraining routes. Records
 * refer to records added before them. Ids are 1..128 bytes, unique within their kind. */

typedef struct sp_redeploy sp_redeploy;

/* Vacancy kinds. EXPECTED vacancies are never added directly: they are generated from leaving
 * rates when the problem is solved. */
enum { SP_VACANCY_OPEN = 0, SP_VACANCY_WASTAGE = 1, SP_VACANCY_EXPECTED = 2 };

/* Objective terms of a redeployment, in their strict order. */
enum {
    SP_RTERM_REDUNDANCIES = 0, /* compulsory redundancies */
    SP_RTERM_NET_COST = 1,     /* cost of redeploying minus the redundancy costs it avoids */
    SP_RTERM_RELOCATIONS = 2,  /* people who must relocate */
    SP_RTERM_MISFIT = 3,       /* grades down + relative change of hours + preference rank */
    SP_RTERM_COUNT = 4
};

/* Why a person is made redundant (the first that is true; docs/redeployment.md "Reasons"). */
enum {
    SP_RREASON_NONE = 0,           /* redeployed */
    SP_RREASON_NO_VACANCY = 1,     /* no vacancy opens within the horizon at all */
    SP_RREASON_GRADE = 2,          /* no vacancy at an acceptable grade */
    SP_RREASON_TRAVEL = 3,         /* acceptable grades only beyond travel, unwilling to relocate */
    SP_RREASON_NO_ROUTE = 4,       /* skill gap and no retraining route closes it */
    SP_RREASON_TRAINING_LIMIT = 5, /* every route closing the gap exceeds the training limit */
    SP_RREASON_TRAINING_TIME = 6,  /* training cannot finish before the post starts + trial */
    SP_RREASON_TAKEN = 7,          /* suitable posts exist, all filled by others */
    SP_RREASON_SEARCH_STOPPED = 8  /* a suitable post is unfilled: the solve stopped early */
};

/* Rules of a redeployment. sp_redeploy_rules_init fills the defaults shown. */
typedef struct sp_redeploy_rules {
    int grades_down;             /* posts down to this many grades below (default 1000: any) */
    int grades_up;               /* posts up to this many grades above (default 0) */
    double period_weeks;         /* length of a period in weeks (default 4) */
    double training_limit_weeks; /* longest retraining accepted (default 26) */
    double trial_weeks;          /* trial period in a new post, during which training may end
                                    (default 4) */
    int protection_periods;      /* periods of pay protection (default 13) */
    double redundancy_cost;      /* cost of a redundancy for people without their own (default 0) */
    double relocation_cost;      /* one-off cost of a relocation (default 8000) */
    double travel_speed_kmh;     /* speed for travel times from coordinates (default 40) */
    double excess_travel_cost;   /* paid per extra one-way minute per period (default 0) */
    int excess_travel_periods;   /* periods the excess travel allowance is paid (default 13) */
    double waiting_cost_share;   /* share of pay while waiting for a post that pool work does
                                    not recover, 0..1 (default 0) */
} sp_redeploy_rules;

/* A person at risk. sp_redeploy_person_init sets every field to its default (strings NULL,
 * home_lat/home_lon NaN, max_travel_minutes -1, redundancy_cost -1, the rest 0). Strings are
 * borrowed during the call and copied. */
typedef struct sp_redeploy_person {
    const char *id;           /* required */
    const char *partner_id;   /* current employer, required */
    const char *post_id;      /* the deleted post, may be NULL */
    const char *site_id;      /* site of the current post, required */
    const char *home_site_id; /* may be NULL: then home_lat/home_lon, or the current site when
                                 both are NaN */
    double home_lat, home_lon;
    int grade;                 /* 1..1000, higher is more senior */
    double pay;                /* pay per period in the current post, >= 0 */
    double hours;              /* contracted hours per week, > 0 */
    double max_travel_minutes; /* one way from home to a new post; < 0: unlimited */
    int relocate;              /* 1: willing to relocate to a post beyond max travel */
    int post_ends;             /* first period without the current post, 0..periods-1 */
    double redundancy_cost;    /* < 0: the rules' redundancy_cost */
} sp_redeploy_person;

/* A vacancy (or a post that opens through a known leaver or retirement). */
typedef struct sp_redeploy_vacancy {
    const char *id;         /* required */
    const char *partner_id; /* required */
    const char *site_id;    /* NULL: the partner's first site */
    const char *skill_id;   /* the essential skill, required */
    int min_level;          /* 1..5 */
    int grade;              /* 1..1000 */
    double pay;             /* pay per period, >= 0 */
    double hours;           /* hours per week, > 0 */
    int start;              /* period the post starts, 0..periods-1 */
    int kind;               /* SP_VACANCY_OPEN or SP_VACANCY_WASTAGE */
} sp_redeploy_vacancy;

/* Expected leavers at one partner and grade; their posts become SP_VACANCY_EXPECTED vacancies
 * shaped like this record (docs/redeployment.md "Expected vacancies"). */
typedef struct sp_redeploy_leaving {
    const char *id;         /* required; generated vacancies are "<id>#1", "<id>#2", ... */
    const char *partner_id; /* required */
    const char *site_id;    /* NULL: the partner's first site */
    const char *skill_id;   /* required */
    int min_level;          /* 1..5 */
    int grade;              /* 1..1000 */
    double pay;             /* pay per period, >= 0 */
    double hours;           /* hours per week, > 0 */
    double headcount;       /* staff in post at this partner and grade, not at risk, >= 0 */
    double annual_rate;     /* share of them leaving per year, 0 <= rate < 1 */
} sp_redeploy_leaving;

void sp_redeploy_rules_init(sp_redeploy_rules *rules);
void sp_redeploy_person_init(sp_redeploy_person *person);
void sp_redeploy_vacancy_init(sp_redeploy_vacancy *vacancy);
void sp_redeploy_leaving_init(sp_redeploy_leaving *leaving);

/* A new empty problem over `periods` periods (1..100000). Free with sp_redeploy_free. */
int sp_redeploy_new(sp_redeploy **out, int periods, sp_error *err);
void sp_redeploy_free(sp_redeploy *rd);

/* Replaces the rules after checking every field (nothing changes on error). */
int sp_redeploy_set_rules(sp_redeploy *rd, const sp_redeploy_rules *rules, sp_error *err);
/* Copies the current rules into *out. */
void sp_redeploy_get_rules(sp_redeploy_rules *out, const sp_redeploy *rd);

int sp_redeploy_add_partner(sp_redeploy *rd, const char *id, sp_error *err);
int sp_redeploy_add_site(sp_redeploy *rd, const char *id, const char *partner_id, double lat,
                         double lon, sp_error *err);
/* One-way minutes between two sites; also sets the reverse unless it was given itself. */
int sp_redeploy_set_travel_minutes(sp_redeploy *rd, const char *from_site, const char *to_site,
                                   double minutes, sp_error *err);
int sp_redeploy_add_skill(sp_redeploy *rd, const char *id, sp_error *err);
int sp_redeploy_add_person(sp_redeploy *rd, const sp_redeploy_person *person, sp_error *err);
/* Level 1..5, each skill once per person. */
int sp_redeploy_add_person_skill(sp_redeploy *rd, const char *person_id, const char *skill_id,
                                 int level, sp_error *err);
/* Preferred partners of a person, most preferred first (one call per partner). */
int sp_redeploy_add_preference(sp_redeploy *rd, const char *person_id, const char *partner_id,
                               sp_error *err);
int sp_redeploy_add_vacancy(sp_redeploy *rd, const sp_redeploy_vacancy *vacancy, sp_error *err);
int sp_redeploy_add_leaving(sp_redeploy *rd, const sp_redeploy_leaving *leaving, sp_error *err);
/* A retraining route: someone holding from_skill at from_level or above can reach to_skill at
 * to_level in `weeks` (0..520) for `cost` (>= 0). Levels 1..5. */
int sp_redeploy_add_route(sp_redeploy *rd, const char *from_skill, int from_level,
                          const char *to_skill, int to_level, double weeks, double cost,
                          sp_error *err);

size_t sp_redeploy_person_count(const sp_redeploy *rd);
size_t sp_redeploy_vacancy_count(const sp_redeploy *rd); /* added ones, not expected ones */

typedef struct sp_redeploy_result sp_redeploy_result;

/* One person's outcome. Strings belong to the result; NULL where marked. */
typedef struct sp_redeploy_outcome {
    const char *person_id;
    const char *partner_id;         /* current employer */
    const char *post_id;            /* the deleted post; NULL if not given */
    int redeployed;                 /* 1: matched to a post; 0: compulsory redundancy */
    const char *vacancy_id;         /* the new post; NULL when redundant */
    const char *vacancy_partner_id; /* NULL when redundant */
    const char *vacancy_site_id;    /* NULL when redundant */
    int vacancy_kind;               /* SP_VACANCY_*; -1 when redundant */
    int start;                      /* period the new post starts; -1 when redundant */
    int grade_change;               /* new grade minus current grade */
    const char *route_from_skill;   /* retraining route; NULL when none is needed */
    int route_from_level;
    const char *route_to_skill;
    int route_to_level;
    double training_weeks;
    double training_cost;
    double protection_cost; /* pay protection */
    double travel_minutes;  /* one way, home to the new post (before any relocation) */
    double travel_cost;     /* excess travel allowance */
    int relocated;
    double relocation_cost;
    int waiting_periods; /* periods between the post ending and the new one starting */
    double pool_hours;   /* hours available to the pool while waiting */
    double waiting_cost;
    double cost;            /* training + protection + travel + relocation + waiting */
    double redundancy_cost; /* incurred when redundant, avoided when redeployed */
    double misfit;
    int reason;         /* SP_RREASON_*; NONE when redeployed */
    int suitable_posts; /* vacancies this person could take */
    const char *detail; /* a sentence explaining the outcome */
} sp_redeploy_outcome;

/* One vacancy (expected ones included) and who fills it. */
typedef struct sp_redeploy_fill {
    const char *vacancy_id;
    const char *partner_id;
    const char *site_id;
    const char *skill_id;
    int min_level;
    int grade;
    int start;
    int kind;              /* SP_VACANCY_* */
    const char *person_id; /* NULL when left open */
    int candidates;        /* people who could take it */
} sp_redeploy_fill;

typedef struct sp_redeploy_totals {
    int people, redeployed, redundant, relocations, retrained, protected_pay, waiting;
    int vacancies, expected_vacancies, filled;
    double training_cost, protection_cost, travel_cost, relocation_cost, waiting_cost;
    double cost_of_avoiding;        /* sum of the five above */
    double redundancy_cost_avoided; /* redundancy costs of the people redeployed */
    double redundancy_cost_incurred;
    double net_cost; /* cost_of_avoiding - redundancy_cost_avoided */
    double pool_hours;
    double misfit;
} sp_redeploy_totals;

/* Solves the redeployment by staged solves. Returns 0 and a new result whatever the status; a
 * negative code only for invalid options or a solver failure. opts may be NULL. Free the result
 * with sp_redeploy_result_free; it never borrows from rd. */
int sp_redeploy_solve(sp_redeploy_result **out, const sp_redeploy *rd, const sp_solve_options *opts,
                      sp_error *err);
void sp_redeploy_result_free(sp_redeploy_result *res);

int sp_redeploy_result_status(const sp_redeploy_result *res);      /* SP_STATUS_* */
int sp_redeploy_result_stop_reason(const sp_redeploy_result *res); /* SP_STOP_* */
double sp_redeploy_result_gap(const sp_redeploy_result *res);
double sp_redeploy_result_seconds(const sp_redeploy_result *res);
/* Fills term for SP_RTERM_* index t; SP_ERANGE for a bad index. */
int sp_redeploy_result_term(sp_term *out, const sp_redeploy_result *res, int t);
size_t sp_redeploy_result_columns(const sp_redeploy_result *res);
size_t sp_redeploy_result_rows(const sp_redeploy_result *res);
size_t sp_redeploy_result_pairs(const sp_redeploy_result *res); /* feasible (person, post) pairs */
/* Arrays owned by the result; *n receives the length. Outcomes follow the order people were
 * added; fills list added vacancies, then expected ones. Empty without a plan. */
const sp_redeploy_outcome *sp_redeploy_result_outcomes(const sp_redeploy_result *res, size_t *n);
const sp_redeploy_fill *sp_redeploy_result_fills(const sp_redeploy_result *res, size_t *n);
/* Totals of the plan (all zero without one). */
void sp_redeploy_result_totals(sp_redeploy_totals *out, const sp_redeploy_result *res);

/* Short machine name ("taken") and a sentence for each SP_RREASON_* value. */
const char *sp_redeploy_reason_name(int reason);
const char *sp_redeploy_reason_text(int reason);

/* ---- store: rotas (csrc/store_rota.c; docs/schema.md "Rotas") ---------------------------- */
/* The rota's input tables are saved from plain rows (sp_value / sp_table_rows above) and read
 * back with sp_store_rows; the engine is built from them by the caller (python/staffpool). */

/* Replaces every rota input table (rota_settings, rota_shifts, rota_shift_posts, rota_cover,
 * rota_cover_dates, rota_staff, rota_weekly_days_off, rota_max_shifts, rota_absences,
 * rota_requests, rota_pins; columns in the order of docs/schema.md, NULL taking a column's
 * default) with the given rows, a table not given being left empty, in one BEGIN IMMEDIATE
 * transaction. References to staff, sites, skills and shift types are checked before COMMIT; a
 * bad row is SP_EINVAL naming the table and row. tables are borrowed. */
int sp_store_save_rota(sp_store *store, const sp_table_rows *tables, size_t n_tables,
                       sp_error *err);
/* A consistent read of the rota inputs: opens a read transaction and notes the time, PRAGMA
 * data_version, the SHA-256 of the rota inputs (the rota_* input tables plus partners, sites,
 * travel_minutes, skills, staff and staff_skills) and the newest stored rota (which fixes the
 * published assignments, view rota_published). Read the tables with sp_store_rows, then end the
 * transaction with sp_store_read_end before solving. Free with sp_rota_snapshot_free. */
typedef struct sp_rota_snapshot sp_rota_snapshot;
int sp_store_rota_read_begin(sp_rota_snapshot **out, sp_store *store, sp_error *err);
void sp_rota_snapshot_free(sp_rota_snapshot *snapshot);                   /* accepts NULL */
const char *sp_rota_snapshot_hash(const sp_rota_snapshot *snapshot);      /* owned by snapshot */
long long sp_rota_snapshot_newest_rota(const sp_rota_snapshot *snapshot); /* 0: none */
/* The nightly rota write, as sp_store_write_plan: one BEGIN IMMEDIATE transaction checks that
 * the rota inputs still hash as in snapshot and that no rota was stored since, records the run
 * (command, run; run->periods is the number of days), and when run->status is "optimal" or
 * "feasible" writes the rota (tables rotas (exactly one row), rota_penalties, rota_assignments,
 * rota_cover_results, rota_people, rota_changes, without their rota_id column) keyed by the run
 * id and makes it the current rota, then commits. Until that commit the previous current rota is
 * untouched. Inputs changed: only an "inputs_changed" run is recorded; SP_ECHANGED. Any other
 * failure rolls back and records an "error" run (best effort). *run_id receives the recorded run
 * (0 when none). Everything is borrowed. */
int sp_store_write_rota(long long *run_id, sp_store *store, const sp_rota_snapshot *snapshot,
                        const char *command, const sp_run_info *run, const sp_table_rows *tables,
                        size_t n_tables, sp_error *err);
/* Id of the current rota (the newest one written), 0 when there is none. */
int sp_store_current_rota(long long *rota_id, sp_store *store, sp_error *err);

/* ---- rota (csrc/rota*.c) ---- */
/* Shift-level rota over a horizon of days (docs/rota.md): who works which shift type at which post
 * (site x skill) on which day. A shift type is a time pattern that serves every (site, skill) pair
 * of its site and skill lists (none given: the single "anywhere, no skill" post). Each person works
 * at most one shift a day, so at one site a day, and only at posts whose skill they hold and whose
 * site lies within their travel limit from their home site. Hard rules per person: fixed days off,
 * maximum shifts per type (over all its posts), minimum/maximum total minutes, minimum/maximum
 * consecutive working days, minimum consecutive days off, maximum working weekends, forbidden
 * successions between shift types, pins; published assignments on the frozen first days. Soft:
 * shift on/off requests, cover per (day, shift, site, skill) with under- and over-staffing weights
 * (plus an optional hard minimum), changes to published assignments, fairness of nights, worked
 * weekends and unpopular shifts within a contract, travel minutes. Runs touching the first or last
 * day are exempt from the minimum-run rules (they may continue outside the horizon). The Curtois &
 * Qu benchmark instances are the single-post special case. Records refer to records added before
 * them; shift types (with their sites, skills and categories) must all be complete before people,
 * requests and cover. Ids are 1..128 bytes, unique within their kind. Strings passed in are
 * copied. */

typedef struct sp_rota sp_rota;
typedef struct sp_rota_result sp_rota_result;

/* Penalty parts of a rota objective (all summed into one objective). */
enum {
    SP_RPEN_SHIFT_ON = 0,    /* weights of shift-on requests not granted */
    SP_RPEN_SHIFT_OFF = 1,   /* weights of shift-off requests violated */
    SP_RPEN_COVER_UNDER = 2, /* under-staffing weight x missing people */
    SP_RPEN_COVER_OVER = 3,  /* over-staffing weight x surplus people */
    SP_RPEN_FAIRNESS = 4,    /* per contract and category: weight x (largest - smallest count) */
    SP_RPEN_TRAVEL = 5,      /* travel_per_minute x minutes from home site to post site */
    SP_RPEN_CHANGES = 6,     /* change weight x published assignments changed or removed */
    SP_RPEN_COUNT = 7
};

/* A person's limits. sp_rota_person_init sets: id, site_id and contract_id NULL, min_minutes 0,
 * max_minutes -1 (none), min_consecutive 1, max_consecutive -1 (none), min_days_off 1,
 * max_weekends -1 (none), max_travel_minutes -1 (none). Strings are borrowed during the call. */
typedef struct sp_rota_person {
    const char *id;                       /* required */
    const char *site_id;                  /* home site (travel is measured from it); may be NULL */
    int min_minutes, max_minutes;         /* total over the horizon */
    int min_consecutive, max_consecutive; /* working days in a run */
    int min_days_off;                     /* days off in a run */
    int max_weekends;                     /* weekends with a Saturday or Sunday worked */
    const char *contract_id;              /* fairness group; NULL: compared with nobody */
    double max_travel_minutes;            /* one way, home site to post site; -1: no limit */
} sp_rota_person;

void sp_rota_person_init(sp_rota_person *person);

/* Weights of the soft terms beyond requests and cover. sp_rota_weights_init sets all to 0. */
typedef struct sp_rota_weights {
    double travel_per_minute;  /* per minute of travel, home site to post site, per worked shift */
    double fairness_nights;    /* per unit of (max - min) nights within a contract */
    double fairness_weekends;  /* per unit of (max - min) worked weekends within a contract */
    double fairness_unpopular; /* per unit of (max - min) unpopular shifts within a contract */
    double change;             /* per published assignment changed or removed */
} sp_rota_weights;

void sp_rota_weights_init(sp_rota_weights *weights);

/* A new empty rota over `days` days (1..3660); day 0 falls on `first_weekday` (0 = Monday ..
 * 6 = Sunday; weekends are Saturday+Sunday pairs inside the horizon). Free with sp_rota_free. */
int sp_rota_new(sp_rota **out, int days, int first_weekday, sp_error *err);
void sp_rota_free(sp_rota *rota); /* accepts NULL */

int sp_rota_add_partner(sp_rota *rota, const char *id, sp_error *err);
int sp_rota_add_site(sp_rota *rota, const char *id, const char *partner_id, sp_error *err);
/* A site with coordinates (degrees: latitude -90..90, longitude -180..180), for travel times;
 * nothing is added when a field is wrong. */
int sp_rota_add_located_site(sp_rota *rota, const char *id, const char *partner_id, double latitude,
                             double longitude, sp_error *err);
/* Sets or replaces the coordinates of a site. */
int sp_rota_set_site_location(sp_rota *rota, const char *site_id, double latitude, double longitude,
                              sp_error *err);
/* One-way minutes (0..100000) between two different sites, also used for the way back unless
 * that direction is given itself; overrides coordinates. */
int sp_rota_set_travel_minutes(sp_rota *rota, const char *from_site, const char *to_site,
                               double minutes, sp_error *err);
/* Speed (0.1..1000 km/h, default 40) turning great-circle distances between sites with
 * coordinates into minutes. Two different sites with neither given minutes nor coordinates on
 * both are unreachable from each other. */
int sp_rota_set_travel_speed(sp_rota *rota, double kmh, sp_error *err);
int sp_rota_add_skill(sp_rota *rota, const char *id, sp_error *err);
/* A shift type: start minute 0..1439 or -1 (not given), length 1..1440 minutes; site_id and
 * skill_id may be NULL, else they start its site / skill lists. */
int sp_rota_add_shift(sp_rota *rota, const char *id, int start_minute, int length_minutes,
                      const char *site_id, const char *skill_id, sp_error *err);
/* Adds a site / a skill to a shift type's lists: it serves every (site, skill) pair. */
int sp_rota_add_shift_site(sp_rota *rota, const char *shift_id, const char *site_id, sp_error *err);
int sp_rota_add_shift_skill(sp_rota *rota, const char *shift_id, const char *skill_id,
                            sp_error *err);
/* Categories spread fairly within contracts: night (0/1) and unpopular (0/1). */
int sp_rota_set_shift_categories(sp_rota *rota, const char *shift_id, int night, int unpopular,
                                 sp_error *err);
/* `next` may not be worked the day after `first` by the same person (at any posts). */
int sp_rota_forbid_succession(sp_rota *rota, const char *first, const char *next, sp_error *err);
int sp_rota_set_weights(sp_rota *rota, const sp_rota_weights *weights, sp_error *err);
int sp_rota_add_person(sp_rota *rota, const sp_rota_person *person, sp_error *err);
int sp_rota_add_person_skill(sp_rota *rota, const char *person_id, const char *skill_id,
                             sp_error *err);
/* At most `max` (>= 0; 0 forbids the type) shifts of that type, over all its posts; default: no
 * limit. */
int sp_rota_set_max_shifts(sp_rota *rota, const char *person_id, const char *shift_id, int max,
                           sp_error *err);
/* Hard: the person works no shift that day (fixed day off or absence). */
int sp_rota_add_day_off(sp_rota *rota, const char *person_id, int day, sp_error *err);
/* on = 1: wants to work exactly that shift type that day, at any of its posts (weight paid
 * unless granted); on = 0: wants not to work it (weight paid if assigned). weight 0..1e6; one
 * on-request per (person, day). */
int sp_rota_add_request(sp_rota *rota, const char *person_id, int day, const char *shift_id, int on,
                        double weight, sp_error *err);
/* Cover of (day, shift) at the shift's only post (fails naming "site"/"skill" when the shift
 * serves more than one). Target `requirement` >= 0, weights per person under / over it, and a
 * hard minimum 0..requirement. Each (day, post) once; posts not given have target 0 and no
 * weights. */
int sp_rota_set_cover(sp_rota *rota, int day, const char *shift_id, int requirement,
                      double under_weight, double over_weight, int hard_min, sp_error *err);
/* Cover of (day, shift, site, skill); site_id / skill_id NULL stand for the shift's only site /
 * skill (or none when it lists none). The pair must be one the shift serves. */
int sp_rota_set_post_cover(sp_rota *rota, int day, const char *shift_id, const char *site_id,
                           const char *skill_id, int requirement, double under_weight,
                           double over_weight, int hard_min, sp_error *err);
/* Hard: the person works exactly this (day, shift, site, skill); site/skill NULL as in
 * sp_rota_set_post_cover. A pin the person cannot work (day off, skill, travel, type forbidden)
 * makes sp_rota_solve fail naming the pin. One pin per (person, day). */
int sp_rota_pin(sp_rota *rota, const char *person_id, int day, const char *shift_id,
                const char *site_id, const char *skill_id, sp_error *err);
/* An assignment staff were already told (the rota being re-planned); one per (person, day).
 * Changing or removing it costs the change weight. */
int sp_rota_publish(sp_rota *rota, const char *person_id, int day, const char *shift_id,
                    const char *site_id, const char *skill_id, sp_error *err);
/* Days 0..n-1 (0..days): published assignments stay unless the person is off or can no longer
 * work them; new assignments there only fill a post's gap, never above its requirement. */
int sp_rota_set_freeze_days(sp_rota *rota, int n, sp_error *err);

int sp_rota_days(const sp_rota *rota);
size_t sp_rota_person_count(const sp_rota *rota);
size_t sp_rota_shift_count(const sp_rota *rota);

/* One worked shift. Strings belong to the result; site_id / skill_id NULL where the post has
 * none. pinned: fixed by sp_rota_pin; published: exactly this assignment was published. */
typedef struct sp_rota_assignment {
    const char *person_id;
    int day;
    const char *shift_id;
    const char *site_id, *skill_id;
    int pinned, published;
} sp_rota_assignment;

/* Why a post is under-covered (the first category that holds, checked in this order). */
enum {
    SP_RGAP_NONE = 0,      /* covered */
    SP_RGAP_NO_SKILL = 1,  /* nobody holds the skill */
    SP_RGAP_NO_REACH = 2,  /* everyone holding it is out of travel reach of the site */
    SP_RGAP_OFF = 3,       /* everyone qualified and in reach is off that day (or may not work
                              the shift type) */
    SP_RGAP_BUSY = 4,      /* everyone qualified, in reach and available works elsewhere or
                              would break a hard rule by taking it */
    SP_RGAP_TRADE_OFF = 5, /* someone could take it within the hard rules: the optimum left it */
    SP_RGAP_NOT_PROVED = 6 /* someone could take it; the search stopped before proving why not */
};

/* Cover of one (day, shift, site, skill) in the roster. reason: NULL when met, else a sentence
 * with the facts behind reason_code (SP_RGAP_*). */
typedef struct sp_rota_cover_result {
    int day;
    const char *shift_id;
    int requirement, assigned;
    double under_penalty, over_penalty;
    const char *site_id, *skill_id;
    int reason_code;
    const char *reason;
} sp_rota_cover_result;

/* One person in the roster: what they work and the soft penalties they carry. changes: published
 * assignments changed or removed. */
typedef struct sp_rota_person_result {
    const char *person_id;
    int shifts, minutes, weekends;
    double shift_on_penalty, shift_off_penalty;
    int nights, unpopular, changes;
    double travel_minutes;
} sp_rota_person_result;

/* A difference between the published rota and the new one for (person, day): before_* NULL: a
 * new assignment on a day nothing was published; after_* NULL: the published one is removed. */
typedef struct sp_rota_change {
    const char *person_id;
    int day;
    const char *before_shift_id, *before_site_id, *before_skill_id;
    const char *after_shift_id, *after_site_id, *after_skill_id;
} sp_rota_change;

/* Builds the MIP of docs/rota.md and solves it (one objective: the weighted sum of the penalties).
 * Returns 0 and a new result whatever the status; a negative code for invalid options, a pin that
 * cannot be worked (SP_EINVAL naming the pin) or a solver failure. opts may be NULL. The result
 * never borrows from rota; free it with sp_rota_result_free. Solving completes the shift list
 * (as adding a person does): shift types cannot be added or changed afterwards. */
int sp_rota_solve(sp_rota_result **out, const sp_rota *rota, const sp_solve_options *opts,
                  sp_error *err);
void sp_rota_result_free(sp_rota_result *res); /* accepts NULL */

int sp_rota_result_status(const sp_rota_result *res);      /* SP_STATUS_* */
int sp_rota_result_stop_reason(const sp_rota_result *res); /* SP_STOP_* */
double sp_rota_result_gap(const sp_rota_result *res);      /* (objective - bound) / objective */
double sp_rota_result_seconds(const sp_rota_result *res);
double sp_rota_result_objective(const sp_rota_result *res); /* recomputed from the roster */
double sp_rota_result_bound(const sp_rota_result *res);     /* proved lower bound */
/* Penalty part SP_RPEN_* of the roster; 0 for a bad index. */
double sp_rota_result_penalty(const sp_rota_result *res, int part);
size_t sp_rota_result_columns(const sp_rota_result *res);
size_t sp_rota_result_rows(const sp_rota_result *res);
size_t sp_rota_result_binaries(const sp_rota_result *res);
/* Arrays owned by the result; *n receives the length (0 without a roster). Assignments are ordered
 * by person (as added), then day; cover by day, shift, then post (sites x skills as listed);
 * people as added; changes by person, then day. */
const sp_rota_assignment *sp_rota_result_assignments(const sp_rota_result *res, size_t *n);
const sp_rota_cover_result *sp_rota_result_cover(const sp_rota_result *res, size_t *n);
const sp_rota_person_result *sp_rota_result_people(const sp_rota_result *res, size_t *n);
const sp_rota_change *sp_rota_result_changes(const sp_rota_result *res, size_t *n);

/* CFFI-CDEF-END */

#ifdef __cplusplus
}
#endif

#endif /* STAFFPOOL_H */
