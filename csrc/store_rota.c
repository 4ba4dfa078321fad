/* The rota's tables (docs/schema.md "Rotas", schema version 4): saving its input tables from
 * plain rows, a consistent read of them, and the nightly write of a rota with its run.
 *
 * Same rules as store.c: constant SQL text (one fixed INSERT per table; the caller's table name
 * only selects among them), every value bound, writes in one BEGIN IMMEDIATE transaction with
 * ROLLBACK on any error. The rota write checks first that neither the rota's inputs (data_version,
 * then their hash) nor the published assignments (the newest stored rota) changed since they were
 * read, then records the run, writes the rota keyed by the run id and makes it current, all in that
 * one transaction: a killed process leaves the previous rota current and untouched.
 */
#include "internal.h"
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sp_rota_snapshot {
    sps_read_mark mark;
    long long newest_rota; /* max(rotas.id) when read: the published assignments it implies */
};

/* Input tables, each after the tables it refers to; cleared in the reverse order. */
static const sps_table_def INPUTS[] = {
    {"rota_settings", 2, "INSERT INTO rota_settings(key, value) VALUES (?1, ?2)"},
    {"rota_shifts", 6,
     "INSERT INTO rota_shifts(id, name, start_minute, length_minutes, night, unpopular) VALUES "
     "(?1, ?2, ?3, ?4, coalesce(?5, 0), coalesce(?6, 0))"},
    {"rota_shift_posts", 3, "INSERT INTO rota_shift_posts(shift, site, skill) VALUES (?1, ?2, ?3)"},
    {"rota_cover", 8,
     "INSERT INTO rota_cover(shift, site, skill, weekday, requirement, under_weight, "
     "over_weight, hard_min) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 0), coalesce(?7, 0), "
     "coalesce(?8, 0))"},
    {"rota_cover_dates", 8,
     "INSERT INTO rota_cover_dates(shift, site, skill, date, requirement, under_weight, "
     "over_weight, hard_min) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 0), coalesce(?7, 0), "
     "coalesce(?8, 0))"},
    {"rota_staff", 8,
     "INSERT INTO rota_staff(staff, contract, min_minutes_per_week, max_minutes_per_week, "
     "min_consecutive, max_consecutive, min_days_off, max_weekends_per_4_weeks) VALUES (?1, ?2, "
     "coalesce(?3, 0), ?4, coalesce(?5, 1), ?6, coalesce(?7, 1), ?8)"},
    {"rota_weekly_days_off", 2, "INSERT INTO rota_weekly_days_off(staff, weekday) VALUES (?1, ?2)"},
    {"rota_max_shifts", 3,
     "INSERT INTO rota_max_shifts(staff, shift, max_per_4_weeks) VALUES (?1, ?2, ?3)"},
    {"rota_absences", 5,
     "INSERT INTO rota_absences(id, staff, from_date, to_date, reason) VALUES (?1, ?2, ?3, ?4, "
     "?5)"},
    {"rota_requests", 5,
     "INSERT INTO rota_requests(staff, date, shift, kind, weight) VALUES (?1, ?2, ?3, ?4, ?5)"},
    {"rota_pins", 5,
     "INSERT INTO rota_pins(staff, date, shift, site, skill) VALUES (?1, ?2, ?3, ?4, ?5)"},
};
#define N_INPUTS (sizeof INPUTS / sizeof INPUTS[0])

static const char *const CLEAR_ROTA_INPUTS =
    "DELETE FROM rota_pins; DELETE FROM rota_requests; DELETE FROM rota_absences; "
    "DELETE FROM rota_max_shifts; DELETE FROM rota_weekly_days_off; DELETE FROM rota_staff; "
    "DELETE FROM rota_cover_dates; DELETE FROM rota_cover; DELETE FROM rota_shift_posts; "
    "DELETE FROM rota_shifts; DELETE FROM rota_settings;";

/* Result tables: ?1 is the run id (= the rota id), the caller's values follow. The rota is
 * written with current = 0; the flag moves last (make_current). */
static const sps_table_def RESULTS[] = {
    {"rotas", 15,
     "INSERT INTO rotas(id, created_at, from_date, days, status, stopped_by, objective, bound, "
     "gap, seconds, freeze_days, model_columns, model_rows, model_binaries, assignments, "
     "cover_gaps, changes, current) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?2, ?3, "
     "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 0)"},
    {"rota_penalties", 2, "INSERT INTO rota_penalties(rota_id, part, value) VALUES (?1, ?2, ?3)"},
    {"rota_assignments", 9,
     "INSERT INTO rota_assignments(rota_id, date, staff, shift, site, skill, start, minutes, "
     "pinned, published) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
    {"rota_cover_results", 9,
     "INSERT INTO rota_cover_results(rota_id, date, shift, site, skill, requirement, assigned, "
     "under_penalty, over_penalty, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
    {"rota_people", 11,
     "INSERT INTO rota_people(rota_id, staff, contract, shifts, minutes, weekends, nights, "
     "unpopular, travel_minutes, shift_on_penalty, shift_off_penalty, changes) VALUES (?1, ?2, "
     "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
    {"rota_changes", 8,
     "INSERT INTO rota_changes(rota_id, staff, date, before_shift, before_site, before_skill, "
     "after_shift, after_site, after_skill) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
};
#define N_RESULTS (sizeof RESULTS / sizeof RESULTS[0])

int sp_store_save_rota(sp_store *st, const sp_table_rows *tables, size_t n_tables, sp_error *err)
{
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY,
                       "database '%.200s': read-only; the rota inputs were not saved", st->path);
    int rc = sps_check_tables(INPUTS, N_INPUTS, tables, n_tables, err);
    if (rc)
        return rc;
    if ((rc = sps_input_begin(st, err)))
        return rc;
    rc = sps_exec(st, CLEAR_ROTA_INPUTS, err);
    if (!rc)
        rc = sps_insert_rows(st, INPUTS, N_INPUTS, tables, n_tables, 0, err);
    if (!rc) /* staff, sites, skills the rows name must be the pool's */
        rc = sps_input_end(st, err);
    if (rc) {
        sps_input_undo(st);
        return rc;
    }
    st->saves++; /* data_version does not see this connection's own commits */
    sp_ok(err);
    return SP_OK;
}

static int newest_rota(long long *id, sp_store *st, sp_error *err)
{
    return sps_select_int(st, "SELECT coalesce(max(id), 0) FROM rotas", id, err);
}

int sp_store_rota_read_begin(sp_rota_snapshot **out, sp_store *st, sp_error *err)
{
    *out = NULL;
    sp_rota_snapshot *snap = calloc(1, sizeof *snap);
    if (!snap)
        return sp_fail(err, SP_ENOMEM, "out of memory");
    /* the transaction stays open: the caller reads the tables in it */
    int rc = sps_read_begin(&snap->mark, st, SP_SCOPE_ROTA, err);
    if (!rc) {
        rc = newest_rota(&snap->newest_rota, st, err);
        if (rc)
            sps_rollback(st);
    }
    if (rc) {
        free(snap);
        return rc;
    }
    *out = snap;
    sp_ok(err);
    return SP_OK;
}

void sp_rota_snapshot_free(sp_rota_snapshot *snap)
{
    free(snap);
}

const char *sp_rota_snapshot_hash(const sp_rota_snapshot *snap)
{
    return snap->mark.hash;
}

long long sp_rota_snapshot_newest_rota(const sp_rota_snapshot *snap)
{
    return snap->newest_rota;
}

/* In the write transaction: did the rota inputs, or the published assignments, change since
 * snap was read? */
static int rota_inputs_changed(int *changed, sp_store *st, const sp_rota_snapshot *snap,
                               sp_error *err)
{
    long long newest = 0;
    *changed = 0;
    int rc = newest_rota(&newest, st, err);
    if (rc)
        return rc;
    if (newest != snap->newest_rota) {
        *changed = 1;
        return SP_OK;
    }
    return sps_inputs_changed(changed, st, SP_SCOPE_ROTA, &snap->mark, err);
}

/* Records a run without a rota in its own transaction (best effort: errors are ignored). */
static long long record_failed_run(sp_store *st, const sp_rota_snapshot *snap, const char *command,
                                   const char *status, double seconds, int days,
                                   const char *message)
{
    sp_error ignored;
    long long id = 0;
    if (sps_exec(st, "BEGIN IMMEDIATE", &ignored))
        return 0;
    if (!sps_insert_run(&id, st, snap->mark.started_at, snap->mark.hash, -1, days, command, status,
                        NULL, NAN, seconds, message, &ignored))
        sps_exec(st, "COMMIT", &ignored);
    else
        id = 0;
    sps_rollback(st);
    return id;
}

/* The new rota becomes the only current one; run last, in the transaction that wrote it. */
static int make_current(sp_store *st, long long rota_id, sp_error *err)
{
    sqlite3_stmt *s;
    int rc =
        sps_prep(st, "UPDATE rotas SET current = (id = ?1) WHERE current = 1 OR id = ?1", &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, rota_id);
    rc = sps_step_done(st, s, err, "making the rota current");
    sqlite3_finalize(s);
    return rc;
}

int sp_store_write_rota(long long *run_id, sp_store *st, const sp_rota_snapshot *snap,
                        const char *command, const sp_run_info *run, const sp_table_rows *tables,
                        size_t n_tables, sp_error *err)
{
    *run_id = 0;
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; the rota was not written",
                       st->path);
    if (!snap)
        return sp_fail_field(err, "rota", NULL, "snapshot", "is required");
    if (!run || !run->status)
        return sp_fail_field(err, "run", NULL, "status", "is required");
    int has_rota = strcmp(run->status, "optimal") == 0 || strcmp(run->status, "feasible") == 0;
    int rc = sps_check_tables(RESULTS, N_RESULTS, tables, has_rota ? n_tables : 0, err);
    if (rc)
        return rc;
    if (has_rota) {
        const sp_table_rows *head = NULL;
        for (size_t k = 0; k < n_tables && !head; k++)
            if (strcmp(tables[k].table, "rotas") == 0)
                head = &tables[k];
        if (!head || head->rows != 1)
            return sp_fail_field(err, "table", "rotas", "rows",
                                 "a rota is written with exactly one rotas row");
    }
    if ((rc = sps_exec(st, "BEGIN IMMEDIATE", err)))
        return rc;
    long long id = 0;
    int changed = 0;
    rc = rota_inputs_changed(&changed, st, snap, err);
    if (!rc && changed) {
        sps_rollback(st);
        id = record_failed_run(st, snap, command, "inputs_changed", run->seconds, run->periods,
                               "the rota inputs or the published rota changed while the rota "
                               "was solved; nothing was written");
        *run_id = id;
        return sp_fail(err, SP_ECHANGED,
                       "database '%.200s': the rota inputs or the published rota changed while "
                       "the rota was solved; the rota was not written (run %lld recorded); run "
                       "it again",
                       st->path, id);
    }
    if (!rc)
        rc = sps_insert_run(&id, st, snap->mark.started_at, snap->mark.hash, -1, run->periods,
                            command, run->status, run->stopped_by, run->gap, run->seconds,
                            run->message, err);
    if (!rc && has_rota)
        rc = sps_insert_rows(st, RESULTS, N_RESULTS, tables, n_tables, id, err);
    if (!rc && has_rota)
        rc = make_current(st, id, err);
    if (!rc)
        rc = sps_exec(st, "COMMIT", err);
    if (rc) {
        sps_rollback(st);
        if (rc != SP_EBUSY && rc != SP_EREADONLY)
            *run_id = record_failed_run(st, snap, command, "error", run->seconds, run->periods,
                                        err ? err->message : NULL);
        return rc;
    }
    *run_id = id;
    sp_ok(err);
    return SP_OK;
}

int sp_store_current_rota(long long *rota_id, sp_store *st, sp_error *err)
{
    *rota_id = 0;
    int rc = sps_select_int(st, "SELECT coalesce((SELECT id FROM rotas WHERE current = 1), 0)",
                            rota_id, err);
    if (!rc)
        sp_ok(err);
    return rc;
}
