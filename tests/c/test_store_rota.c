/* The rota's tables (csrc/store_rota.c): saving rows, refusing bad ones with the table and row,
 * the read snapshot, the rota write and its current flag, the inputs-changed check (a changed
 * input, or another rota written meanwhile) and a run without a roster. */
#include "harness.h"
#include "internal.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

#define T(s)                                                                                       \
    {                                                                                              \
        SP_VALUE_TEXT, 0, 0, (s)                                                                   \
    }
#define I(v)                                                                                       \
    {                                                                                              \
        SP_VALUE_INT, (v), 0, NULL                                                                 \
    }
#define R(v)                                                                                       \
    {                                                                                              \
        SP_VALUE_REAL, 0, (v), NULL                                                                \
    }
#define N                                                                                          \
    {                                                                                              \
        SP_VALUE_NULL, 0, 0, NULL                                                                  \
    }

static sp_store *pool_db(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sp_store *st = NULL;
    sp_pool *pool = NULL;
    sp_error err;
    CHECK(sp_store_create(&st, path, &err) == SP_OK);
    sp_pool_new(&pool, 1, &err);
    sp_pool_add_partner(pool, "A", NULL, 1, &err);
    sp_pool_add_site(pool, "S", "A", "Site 'S'", 52.0, -1.0, &err);
    sp_pool_add_skill(pool, "food", NULL, &err);
    sp_pool_add_staff(pool, "p1", NULL, "A", "S", 37, 30, -1, 0, &err);
    sp_pool_add_staff(pool, "p2", NULL, "A", "S", 37, 30, -1, 0, &err);
    CHECK(sp_store_save_pool(st, pool, NULL, NULL, &err) == SP_OK);
    sp_pool_free(pool);
    return st;
}

static int save_inputs(sp_store *st, const char *staff, const char *date, sp_error *err)
{
    static sp_value shifts[] = {T("E"), T("Early"), I(420), I(480), N, N};
    static sp_value posts[] = {T("E"), T("S"), T("food")};
    sp_value people[] = {T("p1"),  T("full"), I(0), I(2400), N, N, N, N,
                         T(staff), N,         N,    N,       N, N, N, N};
    sp_value absence[] = {N, T("p1"), T(date), T(date), T("it's \"training\"; DROP TABLE runs")};
    sp_table_rows tables[] = {
        {"rota_shifts", 1, 6, shifts},
        {"rota_shift_posts", 1, 3, posts},
        {"rota_staff", 2, 8, people},
        {"rota_absences", 1, 5, absence},
    };
    return sp_store_save_rota(st, tables, 4, err);
}

static long long count(sp_store *st, const char *table, long long id)
{
    sp_rows *rows = NULL;
    sp_error err;
    long long n = 0;
    if (sp_store_rows(&rows, st, table, id, &err) != SP_OK)
        return -1;
    while (sp_rows_next(rows, &err) == 1)
        n++;
    sp_rows_free(rows);
    return n;
}

static int write_rota(long long *run, sp_store *st, const sp_rota_snapshot *snap,
                      const char *status, sp_error *err)
{
    sp_value head[] = {T("2027-01-04"), I(7),  T(status), N,    R(5), R(5), R(0), R(0.1), I(0),
                       I(10),           I(10), I(5),      I(1), I(0), I(0)};
    sp_value penalties[] = {T("cover_under"), R(5)};
    sp_value assignment[] = {T("2027-01-05"),       T("p2"), T("E"), T("S"), T("food"),
                             T("2027-01-05T07:00"), I(480),  I(0),   I(0)};
    sp_table_rows tables[] = {
        {"rotas", 1, 15, head},
        {"rota_penalties", 1, 2, penalties},
        {"rota_assignments", 1, 9, assignment},
    };
    sp_run_info info = {status, NULL, 0, 0.1, 7, "test"};
    return sp_store_write_rota(run, st, snap, "rota --from 2027-01-04 --days 7", &info, tables, 3,
                               err);
}

static void test_save_and_refuse(void)
{
    sp_error err;
    sp_store *st = pool_db("save.db");
    CHECK(save_inputs(st, "p2", "2027-01-05", &err) == SP_OK);
    CHECK(count(st, "rota_staff", 0) == 2 && count(st, "rota_absences", 0) == 1);
    /* an unknown person: refused at commit, naming the table and row; nothing changes */
    CHECK(save_inputs(st, "nobody", "2027-01-05", &err) == SP_EINVAL);
    CHECK_HAS(err.message, "rota_staff row 2");
    CHECK(count(st, "rota_staff", 0) == 2);
    /* 30 February is not a date */
    CHECK(save_inputs(st, "p2", "2027-02-30", &err) == SP_EINVAL);
    CHECK_HAS(err.message, "table rota_absences, row 1");
    /* a table that is not a rota input, and a wrong number of values */
    sp_value v[] = {T("x")};
    sp_table_rows bad[] = {{"staff", 1, 1, v}};
    CHECK(sp_store_save_rota(st, bad, 1, &err) == SP_EINVAL);
    sp_table_rows short_row[] = {{"rota_shifts", 1, 1, v}};
    CHECK(sp_store_save_rota(st, short_row, 1, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "expected 6 values");
    CHECK(sp_store_check(st, &err) == SP_OK);
    sp_store_close(st);
}

static void test_write_and_changes(void)
{
    sp_error err;
    sp_store *st = pool_db("write.db");
    CHECK(save_inputs(st, "p2", "2027-01-05", &err) == SP_OK);
    long long run = 0, current = -1;
    sp_rota_snapshot *snap = NULL;
    CHECK(sp_store_rota_read_begin(&snap, st, &err) == SP_OK);
    CHECK(sp_store_read_end(st, &err) == SP_OK);
    CHECK(strlen(sp_rota_snapshot_hash(snap)) == 64 && sp_rota_snapshot_newest_rota(snap) == 0);
    CHECK(write_rota(&run, st, snap, "feasible", &err) == SP_OK);
    CHECK(run > 0);
    CHECK(sp_store_current_rota(&current, st, &err) == SP_OK && current == run);
    CHECK(count(st, "rota_assignments", run) == 1 && count(st, "rota_published", 0) == 1);
    /* the same snapshot again: a rota was written since, so the published rota changed */
    long long again = 0;
    CHECK(write_rota(&again, st, snap, "feasible", &err) == SP_ECHANGED);
    CHECK(again > run);
    CHECK(sp_store_current_rota(&current, st, &err) == SP_OK && current == run);
    sp_rota_snapshot_free(snap);

    /* a fresh snapshot, then the inputs change: nothing written */
    CHECK(sp_store_rota_read_begin(&snap, st, &err) == SP_OK);
    CHECK(sp_store_read_end(st, &err) == SP_OK);
    CHECK(save_inputs(st, "p2", "2027-01-06", &err) == SP_OK);
    CHECK(write_rota(&again, st, snap, "feasible", &err) == SP_ECHANGED);
    sp_rota_snapshot_free(snap);

    /* no roster: only the run is recorded, the current rota stays */
    CHECK(sp_store_rota_read_begin(&snap, st, &err) == SP_OK);
    CHECK(sp_store_read_end(st, &err) == SP_OK);
    CHECK(write_rota(&again, st, snap, "infeasible", &err) == SP_OK);
    CHECK(sp_store_current_rota(&current, st, &err) == SP_OK && current == run);
    CHECK(count(st, "rotas", 0) == 1);
    /* a second rota becomes the only current one */
    CHECK(write_rota(&again, st, snap, "optimal", &err) == SP_OK);
    CHECK(sp_store_current_rota(&current, st, &err) == SP_OK && current == again);
    CHECK(count(st, "rotas", 0) == 2 && count(st, "rota_published", 0) == 1);
    sp_rota_snapshot_free(snap);
    CHECK(sp_store_check(st, &err) == SP_OK);
    sp_store_close(st);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sp-test-store-rota-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_save_and_refuse);
    RUN(test_write_and_changes);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return harness_report();
}
