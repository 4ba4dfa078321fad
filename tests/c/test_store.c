/* The store: create and open (a wrong path is never created, a non-database is refused), save and
 * load a pool, the nightly write, busy and read-only databases, names stored verbatim. */
#include "harness.h"
#include "internal.h"
#include "store.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

static const char *path_in(const char *name)
{
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Two partners; the ids carry quotes and SQL text, which must be stored verbatim. */
#define NASTY "O'Brien\"; DROP TABLE staff; --"
static sp_pool *small_pool(void)
{
    sp_pool *pool = NULL;
    sp_error err;
    sp_pool_new(&pool, 3, &err);
    sp_pool_set_reserve_share(pool, 0.1, &err);
    sp_pool_add_partner(pool, "A", "Council 'A'", 1000, &err);
    sp_pool_add_partner(pool, NASTY, NULL, 2000, &err);
    sp_pool_add_site(pool, "A1", "A", NULL, 52.0, -1.0, &err);
    sp_pool_add_site(pool, "B1", NASTY, "B's office", 52.1, -1.0, &err);
    sp_pool_set_travel_minutes(pool, "A1", "B1", 20, &err);
    sp_pool_add_skill(pool, "noise", NULL, &err);
    sp_pool_add_staff(pool, "s1", "Ann", "A", "A1", 30, 30, -1, 0, &err);
    sp_pool_add_staff(pool, "s2", NULL, NASTY, "B1", 20, 25, 60, 2, &err);
    sp_pool_add_staff_skill(pool, "s1", "noise", 3, &err);
    sp_pool_add_staff_skill(pool, "s2", "noise", 2, &err);
    sp_pool_authorise(pool, "s2", NASTY, &err);
    sp_pool_set_availability(pool, "s1", 1, 10, &err);
    for (int t = 0; t < 3; t++) {
        sp_pool_add_demand(pool, "A", NULL, "noise", t, 25, 2, SP_PRIORITY_STATUTORY, 0, &err);
        sp_pool_add_demand(pool, NASTY, "B1", "noise", t, 15, 1, SP_PRIORITY_CORE, 0, &err);
    }
    sp_pool_set_resilience(pool, "A", "noise", 1, 1.0, &err);
    return pool;
}

static void test_sha256(void)
{
    sp_sha256 c;
    char hex[65];
    sp_sha256_init(&c);
    sp_sha256_update(&c, "abc", 3);
    sp_sha256_hex(&c, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sp_sha256_init(&c);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sp_sha256_update(&c, two, strlen(two));
    sp_sha256_hex(&c, hex);
    CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_open_errors(void)
{
    sp_store *st = (sp_store *)1;
    sp_error err;
    const char *missing = path_in("missing.db");
    CHECK(sp_store_open(&st, missing, 0, 1, &err) == SP_ENODB);
    CHECK(st == NULL);
    CHECK_HAS(err.message, "missing.db");
    CHECK(!exists(missing)); /* never created */
    CHECK(sp_store_open(&st, path_in("no/such/dir.db"), 0, 1, &err) == SP_ENODB);

    const char *text = path_in("notes.txt");
    FILE *f = fopen(text, "w");
    fputs("this is not a database, just some text long enough to fill a header......\n", f);
    fclose(f);
    CHECK(sp_store_open(&st, text, 0, 1, &err) == SP_ENODB);
    CHECK_HAS(err.message, "not a database");

    const char *empty = path_in("empty.db");
    fclose(fopen(empty, "w"));
    CHECK(sp_store_open(&st, empty, 0, 1, &err) == SP_ENODB);
    CHECK_HAS(err.message, "not a staffpool database");

    /* create refuses anything that exists, and leaves it alone */
    CHECK(sp_store_create(&st, text, &err) == SP_EINVAL);
    CHECK_HAS(err.message, "already exists");
    f = fopen(text, "r");
    char line[16] = "";
    CHECK(f && fgets(line, sizeof line, f) && strncmp(line, "this is", 7) == 0);
    if (f)
        fclose(f);
}

static void test_round_trip_and_plan(void)
{
    sp_error err;
    sp_store *st = NULL;
    const char *db = path_in("pool.db");
    CHECK(sp_store_create(&st, db, &err) == SP_OK);
    CHECK(sp_store_readonly(st) == 0);
    sp_pool *pool = small_pool();
    const char *labels[] = {"W1", "W'2", "W3"};
    CHECK(sp_store_save_pool(st, pool, "it's a \"test\"", labels, &err) == SP_OK);

    sp_inputs *in = NULL;
    CHECK(sp_store_read_inputs(&in, st, 0, 0, &err) == SP_OK);
    if (!in) {
        fprintf(stderr, "%s\n", err.message);
        sp_pool_free(pool);
        sp_store_close(st);
        return;
    }
    const sp_pool *loaded = sp_inputs_pool(in);
    CHECK(loaded->n_partners == 2 && loaded->n_staff == 2 && loaded->n_demand == 6);
    CHECK_STR(loaded->partners[1].id, NASTY);
    CHECK_STR(sp_inputs_name(in), "it's a \"test\"");
    CHECK_STR(sp_inputs_period_label(in, 1), "W'2");
    CHECK(sp_inputs_period_label(in, 3) == NULL);
    CHECK(sp_inputs_demand_id(in, 5) == 6);
    CHECK(strlen(sp_inputs_hash(in)) == 64);
    CHECK_NEAR(loaded->reserve_share, 0.1, 0);
    CHECK_NEAR(loaded->staff[0].available[1], 10, 0);
    CHECK(loaded->staff[1].max_partners == 2 && loaded->staff[1].max_travel == 60);
    CHECK(loaded->n_travel == pool->n_travel);

    /* The same pool solved from memory and from the database gives the same plan. */
    sp_solution *direct = NULL, *sol = NULL;
    CHECK(sp_solve(&direct, pool, NULL, &err) == SP_OK);
    CHECK(sp_solve(&sol, loaded, NULL, &err) == SP_OK);
    sp_term t1, t2;
    for (int t = 0; t < SP_TERM_COUNT; t++) {
        sp_solution_term(&t1, direct, t);
        sp_solution_term(&t2, sol, t);
        CHECK_NEAR(t1.value, t2.value, 1e-9);
    }
    long long run = 0, current = -1;
    CHECK(sp_store_current_plan(&current, st, &err) == SP_OK && current == 0);
    CHECK(sp_store_write_plan(&run, st, in, sol, "plan", &err) == SP_OK);
    CHECK(run == 1);
    CHECK(sp_store_current_plan(&current, st, &err) == SP_OK && current == run);

    /* rows of the plan */
    sp_rows *rows = NULL;
    CHECK(sp_store_rows(&rows, st, "plan_assignments", run, &err) == SP_OK);
    size_t n = 0, n_sol = 0;
    double hours = 0, hours_sol = 0;
    const sp_assignment *a = sp_solution_assignments(sol, &n_sol);
    for (size_t i = 0; i < n_sol; i++)
        hours_sol += a[i].hours;
    int hours_col = -1;
    for (int c = 0; c < sp_rows_columns(rows); c++)
        if (strcmp(sp_rows_column_name(rows, c), "hours") == 0)
            hours_col = c;
    CHECK(hours_col > 0);
    while (sp_rows_next(rows, &err) == 1) {
        CHECK(sp_rows_type(rows, hours_col) == SP_VALUE_REAL);
        hours += sp_rows_real(rows, hours_col);
        n++;
    }
    sp_rows_free(rows);
    CHECK(n == n_sol);
    CHECK_NEAR(hours, hours_sol, 1e-9);
    CHECK(sp_store_rows(&rows, st, "sqlite_master", 0, &err) == SP_EINVAL);
    CHECK(sp_store_rows(&rows, st, "staff; DROP TABLE staff", 0, &err) == SP_EINVAL);
    CHECK(sp_store_table_is_plan("plan_unmet") == 1 && sp_store_table_is_plan("staff") == 0);
    CHECK(sp_store_table(0) != NULL && sp_store_table(1000) == NULL);

    /* An infeasible or stopped solve records the run and keeps the current plan. */
    sp_solve_options opts;
    sp_solve_options_init(&opts);
    opts.time_limit = 0;
    sp_solution *none = NULL;
    CHECK(sp_solve(&none, loaded, &opts, &err) == SP_OK);
    CHECK(sp_solution_status(none) == SP_STATUS_NO_SOLUTION);
    long long run2 = 0;
    CHECK(sp_store_write_plan(&run2, st, in, none, "plan --time-limit 0", &err) == SP_OK);
    CHECK(run2 == 2);
    CHECK(sp_store_current_plan(&current, st, &err) == SP_OK && current == run);

    /* Inputs changed under a plan: nothing written but the run. */
    CHECK(sp_store_save_pool(st, pool, "changed", labels, &err) == SP_OK);
    long long run3 = 0;
    CHECK(sp_store_write_plan(&run3, st, in, sol, "plan", &err) == SP_ECHANGED);
    CHECK(run3 == 3);
    CHECK(sp_store_current_plan(&current, st, &err) == SP_OK && current == run);
    CHECK(sp_store_check(st, &err) == SP_OK);

    /* Horizon: periods 1..2 only. */
    sp_inputs *part = NULL;
    CHECK(sp_store_read_inputs(&part, st, 1, 2, &err) == SP_OK);
    if (part) {
        CHECK(sp_inputs_pool(part)->periods == 2 && sp_inputs_pool(part)->n_demand == 4);
        CHECK(sp_inputs_demand_id(part, 0) == 3);
        CHECK_STR(sp_inputs_period_label(part, 0), "W'2");
        CHECK_NEAR(sp_inputs_pool(part)->staff[0].available[0], 10, 0);
    }
    sp_inputs_free(part);
    CHECK(sp_store_read_inputs(&part, st, 2, 5, &err) == SP_EINVAL);
    CHECK_STR(err.field, "periods");
    CHECK(sp_store_read_inputs(&part, st, 7, 0, &err) == SP_EINVAL);

    sp_solution_free(none);
    sp_solution_free(sol);
    sp_solution_free(direct);
    sp_inputs_free(in);
    sp_pool_free(pool);
    sp_store_close(st);
}

static void test_busy_and_readonly(void)
{
    sp_error err;
    const char *db = path_in("pool.db");
    sp_store *b = NULL, *ro = NULL;
    CHECK(sp_store_open(&b, db, 0, 0.2, &err) == SP_OK);
    sp_pool *pool = small_pool();
    if (!b) {
        sp_pool_free(pool);
        return;
    }
    sp_inputs *in = NULL;
    CHECK(sp_store_read_inputs(&in, b, 0, 0, &err) == SP_OK);
    sp_solution *sol = NULL;
    CHECK(sp_solve(&sol, sp_inputs_pool(in), NULL, &err) == SP_OK);
    long long before = 0, after = -1, run = 0;
    sp_store_current_plan(&before, b, &err);
    /* A child process holds the write lock (a save slowed by the test hook); b waits 0.2 s, gives
     * up with SP_EBUSY; the child is then killed in the middle of its write. */
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        sp_store *a = NULL;
        sp_error e2;
        if (sp_store_open(&a, db, 0, 1, &e2) == SP_OK) {
            sp_store_set_write_delay(a, 200000);
            sp_store_save_pool(a, pool, "half-written", NULL, &e2);
        }
        _exit(0);
    }
    nanosleep(&(struct timespec){0, 300000000L}, NULL);
    CHECK(sp_store_write_plan(&run, b, in, sol, "plan", &err) == SP_EBUSY);
    CHECK_HAS(err.message, "locked");
    kill(child, SIGKILL);
    int status;
    waitpid(child, &status, 0);
    CHECK(sp_store_current_plan(&after, b, &err) == SP_OK && after == before);
    /* the killed save left nothing behind: the inputs are those read before */
    CHECK(sp_store_write_plan(&run, b, in, sol, "plan", &err) == SP_OK);
    CHECK(sp_store_check(b, &err) == SP_OK);
    sp_solution_free(sol);
    sp_inputs_free(in);
    sp_store_close(b);

    char uri[600];
    snprintf(uri, sizeof uri, "file:%s?mode=ro", db);
    CHECK(sp_store_open(&ro, uri, 0, 1, &err) == SP_OK);
    if (ro) {
        CHECK(sp_store_readonly(ro) == 1);
        CHECK(sp_store_save_pool(ro, pool, NULL, NULL, &err) == SP_EREADONLY);
        CHECK_HAS(err.message, "read-only");
        long long id;
        CHECK(sp_store_record_run(&id, ro, NULL, "x", "error", NULL, 0, &err) == SP_EREADONLY);
        sp_inputs *rin = NULL;
        CHECK(sp_store_read_inputs(&rin, ro, 0, 0, &err) == SP_OK);
        sp_inputs_free(rin);
    }
    sp_store_close(ro);
    char rwc[600];
    snprintf(rwc, sizeof rwc, "file:%s?mode=rwc", path_in("via-uri.db"));
    CHECK(sp_store_open(&ro, rwc, 0, 1, &err) != SP_OK);
    CHECK(!exists(path_in("via-uri.db")));
    sp_pool_free(pool);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sp-test-store-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_sha256);
    RUN(test_open_errors);
    RUN(test_round_trip_and_plan);
    RUN(test_busy_and_readonly);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return harness_report();
}
