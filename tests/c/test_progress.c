/* The progress board: a solve posts each stage's incumbent and bound; what is left there at the end
 * is the last stage's final state; a solve without a board behaves as before. */
#include "harness.h"
#include "internal.h"
#include "pools.h"

static void test_board_before_any_post(void)
{
    sp_progress *board = NULL;
    sp_error err;
    CHECK(sp_progress_new(&board, &err) == SP_OK);
    sp_progress_snapshot snap;
    sp_progress_read(board, &snap);
    CHECK(snap.updates == 0);
    CHECK(!snap.has_incumbent);
    CHECK(snap.gap == -1.0);
    sp_progress_post(board, 1, 4, 1, 110.0, 100.0, 2.5);
    sp_progress_read(board, &snap);
    CHECK(snap.updates == 1 && snap.stage == 1 && snap.stages == 4);
    CHECK_NEAR(snap.gap, 10.0 / 110.0, 1e-12);
    CHECK_NEAR(snap.seconds, 2.5, 1e-12);
    sp_progress_post(NULL, 0, 1, 0, 0.0, 0.0, 0.0); /* nobody watching: nothing happens */
    sp_progress_free(board);
    sp_progress_free(NULL);
}

static void test_solve_posts_every_stage(void)
{
    sp_pool *pool = one_person_pool(50);
    sp_progress *board = NULL;
    sp_error err;
    CHECK(sp_progress_new(&board, &err) == SP_OK);
    sp_solve_options opts;
    sp_solve_options_init(&opts);
    CHECK(opts.progress == NULL);
    opts.progress = board;
    sp_solution *sol = NULL;
    CHECK(sp_solve(&sol, pool, &opts, &err) == SP_OK);
    CHECK(sp_solution_status(sol) == SP_STATUS_OPTIMAL);
    sp_progress_snapshot snap;
    sp_progress_read(board, &snap);
    /* At least a start and an end post for each of the four stages. */
    CHECK(snap.updates >= 8);
    CHECK(snap.stages == SP_TERM_COUNT && snap.stage == SP_TERM_COST);
    CHECK(snap.has_incumbent);
    sp_term cost;
    sp_solution_term(&cost, sol, SP_TERM_COST);
    CHECK_NEAR(snap.incumbent, cost.value, 1e-6); /* 37 h at 30 an hour */
    CHECK_NEAR(snap.gap, 0.0, 1e-6);
    CHECK(snap.seconds >= 0.0 && snap.seconds <= sp_solution_seconds(sol) + 1e-6);
    sp_solution_free(sol);
    sp_progress_free(board);
    sp_pool_free(pool);
}

int main(void)
{
    test_board_before_any_post();
    test_solve_posts_every_stage();
    return harness_report();
}
