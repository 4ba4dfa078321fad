/* The restricted master LP of the solver layer (csrc/mip_master.c): duals and values of tiny LPs
 * worked out by hand, warm starts after columns are added, the price-and-branch MIP made from it,
 * and a GLPK fatal error trapped. */
#include "harness.h"
#include "internal.h"

#include <math.h>

/* min x1 + 2 x2  s.t.  x1 + x2 >= 1,  x1 <= 0.5 (a row).  Optimum x = (0.5, 0.5), value 1.5.
 * Duals: y1 = 2 (x2 basic: 2 - y1 = 0), y2 = -1 (x1 basic: 1 - y1 - y2 = 0). Then a column
 * x3 (cost 0.5, in row 1) prices out at 0.5 - 2 < 0; with it: x3 = 1, value 0.5, y1 = 0.5, y2 = 0.
 */
static void test_duals_by_hand(void)
{
    sp_master *ms = sp_master_new();
    CHECK(ms != NULL);
    int r1 = sp_master_add_row(ms, SP_ROW_GE, 1.0), r2 = sp_master_add_row(ms, SP_ROW_LE, 0.5);
    CHECK(r1 == 0 && r2 == 1);
    int rows12[2] = {0, 1}, row1[1] = {0};
    double ones[2] = {1.0, 1.0};
    CHECK(sp_master_add_col(ms, 1.0, 0.0, HUGE_VAL, 2, rows12, ones) == 0);
    CHECK(sp_master_add_col(ms, 2.0, 0.0, HUGE_VAL, 1, row1, ones) == 1);
    CHECK(sp_master_add_row(ms, SP_ROW_EQ, 1.0) == SP_ESTATE); /* rows come first */
    sp_error err = {0};
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_OPTIMAL);
    CHECK_NEAR(sp_master_objective(ms), 1.5, 1e-9);
    CHECK_NEAR(sp_master_col_value(ms, 0), 0.5, 1e-9);
    CHECK_NEAR(sp_master_col_value(ms, 1), 0.5, 1e-9);
    CHECK_NEAR(sp_master_row_dual(ms, 0), 2.0, 1e-9);
    CHECK_NEAR(sp_master_row_dual(ms, 1), -1.0, 1e-9);
    CHECK(sp_master_add_col(ms, 0.5, 0.0, HUGE_VAL, 1, row1, ones) == 2);
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_OPTIMAL);
    CHECK_NEAR(sp_master_objective(ms), 0.5, 1e-9);
    CHECK_NEAR(sp_master_col_value(ms, 2), 1.0, 1e-9);
    CHECK_NEAR(sp_master_row_dual(ms, 0), 0.5, 1e-9);
    CHECK_NEAR(sp_master_row_dual(ms, 1), 0.0, 1e-9);
    /* bad input */
    int bad_row[1] = {5};
    CHECK(sp_master_add_col(ms, 1.0, 0.0, 1.0, 1, bad_row, ones) == SP_ERANGE);
    CHECK(sp_master_add_col(ms, 1.0, 2.0, 1.0, 1, row1, ones) == SP_ERANGE);
    CHECK(sp_master_cols(ms) == 3);
    sp_master_free(ms);
}

/* Infeasible rows: x1 <= 1 column bound, row x1 >= 2. */
static void test_infeasible(void)
{
    sp_master *ms = sp_master_new();
    int row[1] = {0};
    double one[1] = {1.0};
    sp_master_add_row(ms, SP_ROW_GE, 2.0);
    sp_master_add_col(ms, 1.0, 0.0, 1.0, 1, row, one);
    sp_error err = {0};
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_INFEASIBLE);
    sp_master_free(ms);
}

/* A set-partitioning master: two people, one (day) cover row needing 1, each person has an "off"
 * line (cost 0) and a "work" line (cost 3 for A, 1 for B); under-staffing costs 5. The LP is
 * integral here: B works, value 1; the MIP made from the master agrees, started from "A works". */
static void test_as_mip(void)
{
    sp_master *ms = sp_master_new();
    int a = sp_master_add_row(ms, SP_ROW_EQ, 1.0), b = sp_master_add_row(ms, SP_ROW_EQ, 1.0);
    int cover = sp_master_add_row(ms, SP_ROW_EQ, 1.0);
    double ones[2] = {1.0, 1.0}, minus[1] = {-1.0};
    int under = sp_master_add_col(ms, 5.0, 0.0, 1.0, 1, &cover, ones);
    int over = sp_master_add_col(ms, 0.0, 0.0, HUGE_VAL, 1, &cover, minus);
    int a_off = sp_master_add_col(ms, 0.0, 0.0, 1.0, 1, &a, ones);
    int a_work_rows[2] = {a, cover}, b_work_rows[2] = {b, cover};
    int a_work = sp_master_add_col(ms, 3.0, 0.0, 1.0, 2, a_work_rows, ones);
    int b_off = sp_master_add_col(ms, 0.0, 0.0, 1.0, 1, &b, ones);
    int b_work = sp_master_add_col(ms, 1.0, 0.0, 1.0, 2, b_work_rows, ones);
    sp_error err = {0};
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_OPTIMAL);
    CHECK_NEAR(sp_master_objective(ms), 1.0, 1e-9);
    CHECK_NEAR(sp_master_col_value(ms, b_work), 1.0, 1e-9);
    /* reduced costs of the basic columns are 0: cost - sum of duals over their rows */
    double ya = sp_master_row_dual(ms, a), yb = sp_master_row_dual(ms, b);
    double yc = sp_master_row_dual(ms, cover);
    CHECK_NEAR(1.0 - yb - yc, 0.0, 1e-9);
    CHECK(3.0 - ya - yc >= -1e-9); /* A working is not attractive */
    unsigned char binary[6] = {0};
    binary[a_off] = binary[a_work] = binary[b_off] = binary[b_work] = 1;
    binary[under] = 1; /* [0, 1] bounds: may be a binary too */
    sp_mip *mip = sp_master_as_mip(ms, binary);
    CHECK(mip != NULL);
    sp_master_set_col_bounds(ms, over, 0.5, HUGE_VAL); /* a binary cannot keep x >= 0.5 */
    binary[over] = 1;
    CHECK(sp_master_as_mip(ms, binary) == NULL);
    binary[over] = 0;
    sp_master_set_col_bounds(ms, over, 0.0, HUGE_VAL);
    double start[6] = {0};
    start[a_work] = start[b_off] = 1.0; /* A works: value 3 */
    CHECK(sp_mip_set_start(mip, start) == SP_OK);
    sp_mip_result res;
    sp_solve_options opts;
    sp_solve_options_init(&opts);
    opts.time_limit = 10.0;
    CHECK(sp_mip_solve_lex(&res, mip, &opts, &err) == SP_OK);
    CHECK(res.status == SP_STATUS_OPTIMAL);
    CHECK(res.x != NULL && res.x[b_work] > 0.5 && res.x[a_off] > 0.5);
    CHECK_NEAR(res.term_value[0], 1.0, 1e-9);
    sp_mip_result_clear(&res);
    sp_mip_free(mip);
    sp_master_free(ms);
}

/* A GLPK fatal error inside the solve is trapped and reported; the master is not lost. */
static void test_glpk_error_trapped(void)
{
    sp_master *ms = sp_master_new();
    int row[1] = {0};
    double one[1] = {1.0};
    sp_master_add_row(ms, SP_ROW_GE, 1.0);
    sp_master_add_col(ms, 1.0, 0.0, HUGE_VAL, 1, row, one);
    sp_master_inject_glpk_fault(ms);
    sp_error err = {0};
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_ESOLVER);
    CHECK(err.code == SP_ESOLVER);
    CHECK_HAS(err.message, "GLPK error");
    CHECK(sp_master_status(ms) == SP_MASTER_NOT_SOLVED);
    sp_master_free(ms);
    /* and GLPK still works afterwards on this thread */
    ms = sp_master_new();
    sp_master_add_row(ms, SP_ROW_GE, 1.0);
    sp_master_add_col(ms, 1.0, 0.0, HUGE_VAL, 1, row, one);
    CHECK(sp_master_solve(ms, 10.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_OPTIMAL);
    CHECK_NEAR(sp_master_objective(ms), 1.0, 1e-9);
    sp_master_free(ms);
}

/* A time limit of 0 solves nothing and says so. */
static void test_no_time(void)
{
    sp_master *ms = sp_master_new();
    int row[1] = {0};
    double one[1] = {1.0};
    sp_master_add_row(ms, SP_ROW_GE, 1.0);
    sp_master_add_col(ms, 1.0, 0.0, HUGE_VAL, 1, row, one);
    sp_error err = {0};
    CHECK(sp_master_solve(ms, 0.0, &err) == SP_OK);
    CHECK(sp_master_status(ms) == SP_MASTER_STOPPED);
    sp_master_free(ms);
}

int main(void)
{
    RUN(test_duals_by_hand);
    RUN(test_infeasible);
    RUN(test_as_mip);
    RUN(test_glpk_error_trapped);
    RUN(test_no_time);
    return harness_report();
}
