/* One stage of the lexicographic solve: its time window, the caller's start solution, a plan
 * from the blocks, the LP relaxation, the fixing heuristics, then branch-and-cut (with its
 * callback) when the bound does not already prove the best plan found, and fix-and-optimise
 * windows (mip_lns.c) when branching stops on its budget unproved. */
#include "mip_run.h"

#include <glpk.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Fix-and-optimise's budget in a stage without a time limit. */
#define LNS_SECONDS 30.0

static void on_branch(glp_tree *tree, void *info)
{
    run *r = info;
    int reason = glp_ios_reason(tree);
    if (reason == GLP_IHEUR && r->start_x && !r->start_given) {
        glp_ios_heur_sol(tree, r->start_x);
        r->start_given = 1;
    }
    if (reason == GLP_IBINGO && r->stop_at_first)
        glp_ios_terminate(tree); /* the caller asked for the first plan found */
    int best = glp_ios_best_node(tree), improved = reason == GLP_IBINGO;
    if (best) {
        double bound = glp_ios_node_bound(tree, best);
        if (bound > r->best_bound) {
            r->best_bound = bound;
            improved = 1;
        }
    }
    if (improved && r->progress) {
        glp_prob *lp = glp_ios_get_prob(tree);
        int has = glp_mip_status(lp) == GLP_FEAS || glp_mip_status(lp) == GLP_OPT;
        sp_mipx_post_progress(r, has, has ? glp_mip_obj_val(lp) : 0.0, r->best_bound);
    }
    /* GLPK's mip_gap is relative only: a term near zero never meets it. The term's unit
     * (sp_mip_set_term_unit) ends the search once the incumbent is that close to the bound. */
    if (r->tolerance_floor > 0.0 && best) {
        glp_prob *lp = glp_ios_get_prob(tree);
        if (glp_mip_status(lp) == GLP_FEAS &&
            glp_mip_obj_val(lp) - r->best_bound <= r->tolerance_floor) {
            r->tolerance_met = 1;
            glp_ios_terminate(tree);
        }
    }
    if (sp_mipx_should_stop(r) || sp_now() >= r->stage_deadline)
        glp_ios_terminate(tree);
}

/* Branch-and-cut stopped on its half of the stage's window with the plan in r->x: fix-and-optimise
 * windows from that plan until the stage's window ends (without a time limit, LNS_SECONDS). */
static stage_outcome then_windows(run *r, const sp_mip *mip, int term, double stage_end,
                                  double *bound)
{
    size_t n = mip->n_cols;
    double value = sp_mipx_term_value(mip, term, r->x);
    if (!r->have_heur || value < r->heur_value) { /* branching's plan is the best one */
        memcpy(r->heur_x, r->x, (n + 1) * sizeof *r->x);
        r->heur_value = value;
        r->have_heur = 1;
        r->heur_basis_valid = 0;
    }
    /* Branching brought every column in; the windows' LPs need only those in use. */
    sp_mipx_deactivate_unused(r, mip, r->heur_x);
    r->best_bound = *bound;
    double end = stage_end != HUGE_VAL ? stage_end : sp_now() + LNS_SECONDS;
    if (!sp_mipx_should_stop(r) && sp_now() < end)
        sp_mipx_improve_by_windows(r, mip, term, end);
    memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
    *bound = fmin(*bound, r->heur_value);
    return sp_mipx_gap_closed(r, mip, *bound) ? STAGE_PROVED : STAGE_STOPPED_WITH_X;
}

/* An LP before branching did not finish: the stage's best plan, if it has one, goes on. */
static stage_outcome plan_or_nothing(run *r, size_t n)
{
    r->stage_deadline = HUGE_VAL;
    if (!r->have_heur)
        return STAGE_NO_X;
    memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
    if (r->stop_reason == SP_STOP_NONE)
        r->budget_stopped = 1;
    return STAGE_STOPPED_WITH_X;
}

stage_outcome sp_mipx_solve_stage(run *r, const sp_mip *mip, int term, int prev_integral,
                                  double *bound)
{
    size_t n = mip->n_cols;
    *bound = 0.0;
    r->have_heur = r->heur_basis_valid = 0;
    r->stage_deadline = HUGE_VAL; /* a stage that returned early may have left its own */
    /* This stage's window: 2/(k+1) of the time left when k stages are left (4 stages: 40%, then
     * 50%, 67%, all). Heuristics and branching stop at its end once a plan is in hand, so that
     * a time-limited solve optimises every term with its honest gap, the earlier terms getting
     * a little more. The LP relaxation is bounded by the solve's deadline only. */
    double stage_end = HUGE_VAL;
    if (r->deadline != HUGE_VAL)
        stage_end = sp_now() + (r->deadline - sp_now()) * 2.0 / (mip->n_terms - term + 1);
    if (term == 0 && mip->start) { /* the caller's start solution, if it is one */
        memcpy(r->lp_x, mip->start, (n + 1) * sizeof *r->lp_x);
        r->start_ok = sp_mipx_is_feasible(r, mip, r->lp_x);
        if (r->start_ok) {
            memcpy(r->heur_x, r->lp_x, (n + 1) * sizeof *r->lp_x);
            r->heur_value = sp_mipx_term_value(mip, term, r->heur_x);
            r->have_heur = 1;
        }
        if (r->log_level >= 2)
            fprintf(stderr, "staffpool: start solution %s\n",
                    r->start_ok ? "taken" : "rejected: it breaks a bound or a row");
    }
    double block_bound = sp_mipx_plan_from_blocks(r, mip, term);
    if (block_bound > -HUGE_VAL)
        *bound = block_bound;
    if (sp_mipx_gap_closed(r, mip, block_bound)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* the blocks prove it */
        *bound = fmin(block_bound, r->heur_value);
        return STAGE_PROVED;
    }
    int ret = sp_mipx_solve_lp(r, mip);
    if (ret == GLP_ETMLIM) {
        if (r->stop_reason == SP_STOP_NONE)
            r->stop_reason = SP_STOP_TIME_LIMIT;
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }
    if (ret != 0 || glp_get_status(r->lp) == GLP_UNBND)
        return STAGE_INFEASIBLE; /* cannot happen for a well-built model; handled as no plan */
    if (glp_get_status(r->lp) == GLP_NOFEAS)
        return STAGE_INFEASIBLE;
    *bound = fmax(glp_get_obj_val(r->lp), block_bound);
    if (!mip->n_binaries || mip->lp_exact[term]) {
        for (size_t j = 1; j <= n; j++)
            r->x[j] = glp_get_col_prim(r->lp, (int)j);
        return STAGE_PROVED;
    }
    if (sp_mipx_should_stop(r) && !r->have_heur)
        return STAGE_NO_X;
    if (r->have_heur && (sp_mipx_should_stop(r) || r->stop_at_first)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        *bound = fmin(*bound, r->heur_value);
        return sp_mipx_gap_closed(r, mip, *bound) ? STAGE_PROVED : STAGE_STOPPED_WITH_X;
    }

    /* Incumbents before branching: the relaxation rounded, and the previous stage's choices. */
    double heur_start = sp_now();
    for (size_t j = 1; j <= n; j++)
        r->relax_x[j] = glp_get_col_prim(r->lp, (int)j);
    if (stage_end != HUGE_VAL) /* a third of what is left of the stage's window */
        r->stage_deadline = sp_now() + (stage_end - sp_now()) / 3.0;
    /* The previous stage's plan first: its binaries keep every frozen term reachable, so its LP
     * is feasible, while the relaxation's rounded binaries may not be (and the dual simplex can
     * take long to say so). */
    if (prev_integral)
        sp_mipx_improve_from_plan(r, mip, term);
    else if (term == 0 && r->start_ok)
        sp_mipx_improve_by_fixing(r, mip, term, mip->start);
    r->rounding_relaxation = 1;
    sp_mipx_improve_by_fixing(r, mip, term, r->relax_x);
    r->rounding_relaxation = 0;
    r->stage_deadline = HUGE_VAL;
    /* With fix-and-optimise windows to come, branch-and-cut gets the first half of what is left
     * of the stage's window and the windows the rest (mip_lns.c). Branching first: its node LPs
     * can overrun their budget (pool M: one node's dual simplex, numerically unstable, ran
     * 20-50 s, and GLPK checks no clock there), and an overrun should eat the windows' time, not
     * the next stage's (pool M seed 3's resilience stage was left too little to branch). */
    int windows = sp_mipx_has_windows(r, mip, term);
    double branch_end = stage_end;
    if (windows && stage_end != HUGE_VAL)
        branch_end = sp_now() + (stage_end - sp_now()) / 2.0;
    sp_mipx_post_progress(r, r->have_heur, r->heur_value, *bound);
    if (r->log_level >= 2)
        fprintf(stderr, "staffpool: stage %d: relaxation %.6g, heuristic %.6g (%.2f s)\n", term + 1,
                *bound, r->have_heur ? r->heur_value : HUGE_VAL, sp_now() - heur_start);
    sp_mipx_restore_basis(r);
    /* Back to the relaxation's optimum, which glp_intopt starts from. With a plan in hand these
     * LPs (the second over every column) end with the stage's window: on pool M, under load,
     * they ran 20 s past it and left the cost stage no time. */
    if (r->have_heur)
        r->stage_deadline = stage_end;
    ret = sp_mipx_solve_lp(r, mip);
    if (ret != 0 || glp_get_status(r->lp) != GLP_OPT)
        return plan_or_nothing(r, n);
    if (r->have_heur && r->stop_at_first && !sp_mipx_gap_closed(r, mip, *bound)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }
    if (sp_mipx_gap_closed(r, mip, *bound)) {
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* the bound proves it: no branching */
        *bound = fmin(*bound, r->heur_value);
        return STAGE_PROVED;
    }
    if (sp_mipx_should_stop(r)) {
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x);
        return STAGE_STOPPED_WITH_X;
    }

    if (r->n_inactive) {
        sp_mipx_activate_all(r, mip, r->have_heur ? r->heur_value : HUGE_VAL, *bound);
        ret = sp_mipx_solve_lp(r, mip);
        if (ret != 0 || glp_get_status(r->lp) != GLP_OPT)
            return plan_or_nothing(r, n);
    }
    r->stage_deadline = HUGE_VAL;

    glp_iocp iocp;
    glp_init_iocp(&iocp);
    iocp.msg_lev = r->log_level >= 3 ? GLP_MSG_ALL : r->log_level >= 2 ? GLP_MSG_ON : GLP_MSG_ERR;
    iocp.presolve = GLP_OFF; /* keeps column numbers for injected incumbents */
    iocp.br_tech = GLP_BR_PCH;
    iocp.gmi_cuts = iocp.mir_cuts = iocp.cov_cuts = iocp.clq_cuts = GLP_ON;
    iocp.tm_lim = sp_mipx_remaining_ms(r);
    if (branch_end != HUGE_VAL && (r->have_heur || prev_integral)) {
        double share = branch_end - sp_now();
        r->stage_deadline = branch_end;
        if (share * 1000.0 < iocp.tm_lim)
            iocp.tm_lim = share <= 0 ? 0 : (int)(share * 1000.0);
    }
    iocp.mip_gap = r->rel_gap;
    iocp.cb_func = on_branch;
    iocp.cb_info = r;
    r->start_x = r->have_heur ? r->heur_x : prev_integral ? sp_mipx_repaired_start(r, mip) : NULL;
    r->start_given = 0;
    r->best_bound = *bound;
    r->tolerance_floor = r->rel_gap * mip->term_unit[term];
    r->tolerance_met = 0;
    ret = glp_intopt(r->lp, &iocp);
    r->tolerance_floor = 0.0;
    /* A stop before the solve's deadline, when this stage had a budget, is the budget's: GLPK's
     * own clock (whole milliseconds, started a little later) may end it just before ours. */
    int over_budget = !r->tolerance_met && r->stage_deadline != HUGE_VAL &&
                      r->stop_reason == SP_STOP_NONE && (ret == GLP_ETMLIM || ret == GLP_ESTOP) &&
                      sp_now() < r->deadline;
    r->stage_deadline = HUGE_VAL;
    if (r->log_level >= 3)
        fprintf(stderr, "staffpool: stage %d: branch-and-cut returned %d, status %d\n", term + 1,
                ret, glp_mip_status(r->lp));
    sp_mipx_uncap_columns(r, mip);
    if (ret == GLP_ETMLIM && r->stop_reason == SP_STOP_NONE && !over_budget)
        r->stop_reason = SP_STOP_TIME_LIMIT;
    r->budget_stopped |= over_budget;
    int status = glp_mip_status(r->lp);
    if (status == GLP_NOFEAS)
        return STAGE_INFEASIBLE;
    if (status != GLP_OPT && status != GLP_FEAS) {
        if (!r->have_heur)
            return STAGE_NO_X;
        memcpy(r->x, r->heur_x, (n + 1) * sizeof *r->x); /* stopped before GLPK took it up */
        *bound = fmin(r->heur_value, fmax(*bound, r->best_bound));
        return windows ? then_windows(r, mip, term, stage_end, bound) : STAGE_STOPPED_WITH_X;
    }
    for (size_t j = 1; j <= n; j++)
        r->x[j] = glp_mip_col_val(r->lp, (int)j);
    double value = glp_mip_obj_val(r->lp);
    *bound = fmin(value, fmax(*bound, r->best_bound));
    if (r->tolerance_met && ret == GLP_ESTOP)
        return STAGE_PROVED; /* within the term's unit of the bound (on_branch) */
    if ((status == GLP_OPT && ret == 0) || ret == GLP_EMIPGAP) {
        /* GLPK stops when the tree is empty, or with GLP_EMIPGAP when the gap is below mip_gap. */
        *bound = fmin(value, fmax(*bound, value - r->rel_gap * fabs(value)));
        return STAGE_PROVED;
    }
    return windows ? then_windows(r, mip, term, stage_end, bound) : STAGE_STOPPED_WITH_X;
}
