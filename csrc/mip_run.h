/* The solver layer (csrc/mip_*.c): the only code that calls GLPK. This header is private to it:
 * the model's data, the state of one solve, and the functions its files call in one another.
 *
 * A model builder describes a MIP as plain data (sp_mip); sp_mip_solve_lex turns it into one GLPK
 * problem and minimises its objective terms in strict order, each stage constrained to keep the
 * earlier terms at their values. Everything GLPK does happens inside a trap: GLPK's fatal errors
 * (which would abort() the host process) longjmp back to the trap (mip_solve.c), the thread's
 * GLPK environment is freed and the error becomes SP_ESOLVER. The library owns the wall-clock
 * budget: GLPK's tm_lim does not count the LP before branching, so each call only gets what is
 * left, and the branch-and-cut callback stops the search when the deadline passes or the cancel
 * flag is raised. */
#ifndef SP_MIP_RUN_H
#define SP_MIP_RUN_H

#include "internal.h"

#include <glpk.h>
#include <setjmp.h>

typedef struct sparse_vec {
    int *index;
    double *value;
    size_t n, cap_index, cap_value;
} sparse_vec;

struct sp_mip {
    int n_terms;
    double *col_lb, *col_ub;
    unsigned char *col_binary, *col_lazy;
    int *col_group, *col_block;
    unsigned char *col_start_upper;
    unsigned char *col_first_term; /* stages before this one hold the column at its lower bound */
    size_t cap_group, cap_col_block, cap_start_upper, cap_first_term;
    int *row_block;
    size_t cap_row_block;
    int n_blocks;
    size_t n_cols, cap_lb, cap_ub, cap_bin, cap_lazy;
    int *row_type;
    double *row_rhs;
    size_t n_rows, cap_type, cap_rhs;
    int *coef_row, *coef_col;
    double *coef_value;
    size_t n_coefs, cap_cr, cap_cc, cap_cv;
    sparse_vec objective[SP_MIP_MAX_TERMS];
    int lp_exact[SP_MIP_MAX_TERMS];
    double term_unit[SP_MIP_MAX_TERMS]; /* sp_mip_set_term_unit; 0: purely relative */
    size_t n_binaries;
    int inject_fault;
    double *start; /* a start solution (1-based), or NULL */
    int stop_at_first;
    sp_mip_repair_fn repair;
    sp_mip_repair_term_fn repair_term;
    sp_mip_window_fn window;
    void *repair_ctx;
};

/* ---- the trapped run: the state of one sp_mip_solve_lex ---- */

typedef struct run {
    jmp_buf jump;
    char glpk_text[1024]; /* tail of GLPK's terminal output, for error messages */
    int log_level;
    const char *model_file;
    double rel_gap;
    double started;
    double deadline;       /* sp_now() value; HUGE_VAL: none */
    double stage_deadline; /* branch-and-cut budget of the current stage; HUGE_VAL: none */
    double window_deadline; /* end of the current fix-and-optimise sub-MIP */
    int budget_stopped;    /* a stage stopped on its budget with a plan in hand */
    const sp_cancel *cancel;
    sp_progress *progress; /* may be NULL */
    int stage, stages;     /* for progress posts */
    int stop_reason;
    int term; /* the stage being solved */
    /* branch-and-cut state of the current stage */
    const double *start_x; /* 1-based incumbent to hand to GLPK, or NULL */
    int start_given;
    double best_bound;
    double tolerance_floor; /* rel_gap * this stage's term unit */
    int tolerance_met;      /* branch-and-cut stopped: incumbent within tolerance of its bound */
    /* buffers freed on every exit path, including a longjmp */
    int *ia, *ja;
    double *ar;
    double *x, *prev_x;
    double *heur_x, *lp_x; /* best heuristic solution of this stage; the heuristic's scratch */
    double *relax_x;       /* the relaxation's point */
    int slice_cap; /* > 0: sp_mipx_run_simplex gives up after this many slices (heuristic LPs) */
    int rounding_relaxation; /* the fixing heuristic starts from the relaxation, not a plan */
    int stop_at_first;       /* each stage stops at its first plan (sp_mip_set_stop_at_first) */
    int start_ok;            /* the caller's start solution passed sp_mipx_is_feasible */
    double heur_value;
    int have_heur;
    unsigned char *active; /* per column (1-based): in the LP; lazy columns start out */
    size_t n_inactive;
    struct priced *pricing; /* scratch for sp_mipx_price_columns */
    int *basis; /* row then column statuses of the last stage's LP optimum; NULL: none yet */
    int *heur_basis; /* basis of the best fixed-binaries LP of this stage (heur_x) */
    int *plan_basis; /* basis of the previous stage's plan, when it came from that LP */
    int plan_basis_valid, heur_basis_valid;
    int block_started;      /* the blocks were solved: the first LP's basis is set from them, or
                               the clock stopped them (then the LP starts without) */
    double block_objective; /* sum of the blocks' optima */
    double frozen[SP_MIP_MAX_TERMS]; /* the values earlier terms are held to */
    unsigned char *force_zero; /* per column (0-based): kept at 0 in the blocks' second pass */
    glp_prob **subs; /* per block, between the two passes of sp_mipx_plan_from_blocks; or NULL */
    glp_prob *lp;
} run;

typedef struct priced {
    double reduced_cost;
    int group, col;
} priced;

typedef enum { STAGE_PROVED, STAGE_STOPPED_WITH_X, STAGE_NO_X, STAGE_INFEASIBLE } stage_outcome;
/* mip_solve.c: the run's clock, cancel flag and progress posts */
void sp_mipx_post_progress(const run *r, int has_incumbent, double incumbent, double bound);
int sp_mipx_should_stop(run *r);
int sp_mipx_remaining_ms(const run *r);

/* mip_stage.c */
stage_outcome sp_mipx_solve_stage(run *r, const sp_mip *mip, int term, int prev_integral,
                                  double *bound);

/* mip_lp.c */
int sp_mipx_load_problem(run *r, const sp_mip *mip);
void sp_mipx_set_objective(glp_prob *lp, const sp_mip *mip, int term);
double sp_mipx_term_value(const sp_mip *mip, int term, const double *x1);
void sp_mipx_freeze_term(run *r, const sp_mip *mip, int term, double value);
int sp_mipx_run_simplex(run *r, glp_smcp *smcp);
void sp_mipx_copy_basis(run *r, int **basis_ptr);
void sp_mipx_set_basis(run *r, const int *basis);
void sp_mipx_restore_basis(run *r);
int sp_mipx_solve_lp(run *r, const sp_mip *mip);

/* mip_columns.c */
int sp_mipx_held(const run *r, const sp_mip *mip, size_t j);
void sp_mipx_release_columns(run *r, const sp_mip *mip, int term);
void sp_mipx_activate(run *r, const sp_mip *mip, int j, double ub);
size_t sp_mipx_best_per_group(priced *list, size_t n, int per_group);
size_t sp_mipx_price_columns(run *r, const sp_mip *mip, int per_group);
void sp_mipx_uncap_columns(run *r, const sp_mip *mip);
void sp_mipx_deactivate_unused(run *r, const sp_mip *mip, const double *keep_x);
void sp_mipx_activate_all(run *r, const sp_mip *mip, double incumbent, double bound);

/* mip_blocks.c */
int sp_mipx_block_start(run *r, const sp_mip *mip);
double sp_mipx_plan_from_blocks(run *r, const sp_mip *mip, int term);

/* mip_heur.c */
int sp_mipx_has_repair(const sp_mip *mip);
void sp_mipx_call_repair(const run *r, const sp_mip *mip, double *x1);
void sp_mipx_improve_by_fixing(run *r, const sp_mip *mip, int term, const double *start);
void sp_mipx_improve_from_plan(run *r, const sp_mip *mip, int term);
double sp_mipx_tolerance(const run *r, const sp_mip *mip, double value);
int sp_mipx_gap_closed(const run *r, const sp_mip *mip, double bound);
int sp_mipx_pinned(const run *r, const sp_mip *mip, size_t j);
void sp_mipx_unfix_binaries(run *r, const sp_mip *mip);

/* mip_lns.c */
int sp_mipx_has_windows(run *r, const sp_mip *mip, int term);
void sp_mipx_improve_by_windows(run *r, const sp_mip *mip, int term, double end);
const double *sp_mipx_repaired_start(run *r, const sp_mip *mip);
int sp_mipx_is_feasible(run *r, const sp_mip *mip, const double *x1);

#endif
