/* Input tables saved from plain rows: redeployment (docs/schema.md "Redeployment": scenarios, a
 * consistent read of them, and the write of a result with its run) and the sharing agreements
 * (docs/schema.md "Sharing agreements").
 *
 * Same rules as store.c: the SQL text is constant (one fixed INSERT per table; the caller's table
 * name only selects among them), every value bound, writes in one BEGIN IMMEDIATE transaction
 * with ROLLBACK on any error, and the result write checks first that the inputs did not change
 * since they were read (data_version, then the hash of the redeployment inputs).
 */
#include "internal.h"
#include "store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sp_snapshot {
    sps_read_mark mark;
};

/* Input tables, children after the records they refer to; cleared in the reverse order. */
static const sps_table_def INPUTS[] = {
    {"redeployments", 17,
     "INSERT INTO redeployments(id, name, periods, period_labels, grades, grades_down, grades_up, "
     "period_weeks, training_limit_weeks, trial_weeks, protection_periods, redundancy_cost, "
     "relocation_cost, travel_speed_kmh, excess_travel_cost, excess_travel_periods, "
     "waiting_cost_share) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
     "?15, ?16, ?17)"},
    {"redeploy_people", 15,
     "INSERT INTO redeploy_people(id, name, partner, post, site, grade, pay, hours, home_site, "
     "home_lat, home_lon, max_travel_minutes, relocate, post_ends, redundancy_cost) VALUES (?1, "
     "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, coalesce(?13, 0), coalesce(?14, 0), ?15)"},
    {"redeploy_person_skills", 3,
     "INSERT INTO redeploy_person_skills(person, skill, level) VALUES (?1, ?2, ?3)"},
    {"redeploy_preferences", 3,
     "INSERT INTO redeploy_preferences(person, rank, partner) VALUES (?1, ?2, ?3)"},
    {"redeploy_vacancies", 11,
     "INSERT INTO redeploy_vacancies(id, name, partner, site, skill, min_level, grade, pay, hours, "
     "start, natural_wastage) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 1), ?7, ?8, ?9, "
     "coalesce(?10, 0), coalesce(?11, 0))"},
    {"redeploy_leaving_rates", 10,
     "INSERT INTO redeploy_leaving_rates(id, partner, site, skill, min_level, grade, pay, hours, "
     "headcount, annual_rate) VALUES (?1, ?2, ?3, ?4, coalesce(?5, 1), ?6, ?7, ?8, ?9, ?10)"},
    {"redeploy_routes", 6,
     "INSERT INTO redeploy_routes(from_skill, from_level, to_skill, to_level, weeks, cost) VALUES "
     "(?1, ?2, ?3, ?4, ?5, ?6)"},
};
#define N_INPUTS (sizeof INPUTS / sizeof INPUTS[0])

static const char *const CLEAR_REDEPLOY =
    "DELETE FROM redeploy_routes; DELETE FROM redeploy_leaving_rates; "
    "DELETE FROM redeploy_vacancies; DELETE FROM redeploy_preferences; "
    "DELETE FROM redeploy_person_skills; DELETE FROM redeploy_people; DELETE FROM redeployments;";

/* Sharing agreements (schema version 3); agreement_skills is derived from agreements.skills. */
static const sps_table_def AGREEMENTS[] = {
    {"agreements", 8,
     "INSERT INTO agreements(name, skills, rule, fixed_share, fixed_rule, tolerance, total_cost, "
     "members) VALUES (?1, coalesce(?2, 'all'), coalesce(?3, 'usage'), coalesce(?4, 0), "
     "coalesce(?5, 'population'), coalesce(?6, 0), ?7, coalesce(?8, 'listed'))"},
    {"agreement_partners", 4,
     "INSERT INTO agreement_partners(agreement, partner, weight, agreed_share) VALUES (?1, ?2, "
     "?3, ?4)"},
};
#define N_AGREEMENTS (sizeof AGREEMENTS / sizeof AGREEMENTS[0])

static const char *const CLEAR_AGREEMENTS =
    "DELETE FROM agreement_skills; DELETE FROM agreement_partners; DELETE FROM agreements;";

/* One agreement_skills row per id of each agreements.skills list (trimmed; 'all' has none). */
static const char *const DERIVE_AGREEMENT_SKILLS =
    "INSERT INTO agreement_skills(agreement, skill) "
    "WITH RECURSIVE part(agreement, item, rest) AS ("
    " SELECT name, NULL, skills || ',' FROM agreements WHERE skills <> 'all'"
    " UNION ALL"
    " SELECT agreement, trim(substr(rest, 1, instr(rest, ',') - 1)),"
    " substr(rest, instr(rest, ',') + 1) FROM part WHERE rest <> '')"
    " SELECT agreement, item FROM part WHERE item IS NOT NULL AND item <> '' ORDER BY agreement";

/* Result tables: ?1 is the run id, the caller's values follow. */
static const sps_table_def RESULTS[] = {
    {"redeploy_results", 30,
     "INSERT INTO redeploy_results(run_id, redeployment, name, created_at, status, stopped_by, "
     "gap, seconds, model_columns, model_rows, model_pairs, people, redeployed, redundant, "
     "relocations, retrained, protected_pay, waiting, vacancies, expected_vacancies, filled, "
     "training_cost, protection_cost, travel_cost, relocation_cost, waiting_cost, "
     "cost_of_avoiding, redundancy_cost_avoided, redundancy_cost_incurred, net_cost, pool_hours, "
     "misfit) VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?4, ?5, ?6, ?7, ?8, ?9, "
     "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
     "?28, ?29, ?30, ?31)"},
    {"redeploy_objective", 4,
     "INSERT INTO redeploy_objective(run_id, term, value, bound, gap) VALUES (?1, ?2, ?3, ?4, "
     "?5)"},
    {"redeploy_outcomes", 31,
     "INSERT INTO redeploy_outcomes(run_id, person, name, partner, post, grade, outcome, vacancy, "
     "vacancy_partner, vacancy_site, vacancy_kind, start, new_grade, grade_change, route, "
     "training_weeks, training_cost, protection_cost, travel_minutes, travel_cost, relocated, "
     "relocation_cost, waiting_periods, pool_hours, waiting_cost, cost, redundancy_cost, misfit, "
     "reason, explanation, suitable_posts, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
     "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
     "?28, ?29, ?30, ?31, ?32)"},
    {"redeploy_fills", 10,
     "INSERT INTO redeploy_fills(run_id, vacancy, partner, site, skill, min_level, grade, start, "
     "kind, person, candidates) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
    {"redeploy_pool_work", 4,
     "INSERT INTO redeploy_pool_work(run_id, person, partner, period, hours) VALUES (?1, ?2, ?3, "
     "?4, ?5)"},
};
#define N_RESULTS (sizeof RESULTS / sizeof RESULTS[0])

/* Checks the skills of the agreements just inserted and fills agreement_skills from them. */
static int derive_agreement_skills(sp_store *st, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(st,
                      "SELECT name FROM agreements WHERE skills = 'all' AND "
                      "(SELECT count(*) FROM agreements) > 1 LIMIT 1",
                      &s, err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        rc = sp_fail_field(err, "agreement", (const char *)sqlite3_column_text(s, 0), "skills",
                           "\"all\" overlaps the other agreements (it must be the only one)");
    else if (step != SQLITE_DONE)
        rc = sps_db_fail(st, err, step, "checking the agreements");
    sqlite3_finalize(s);
    if (rc)
        return rc;
    if ((rc = sps_prep(st, DERIVE_AGREEMENT_SKILLS, &s, err)))
        return rc;
    step = sqlite3_step(s);
    sqlite3_finalize(s);
    if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY ||
        step == SQLITE_CONSTRAINT)
        return sp_fail_field(err, "table", "agreements", "skills",
                             "a skill is listed twice, or in two agreements (a skill may be in "
                             "one agreement only)");
    if (step != SQLITE_DONE)
        return sps_db_fail(st, err, step, "listing the agreements' skills");
    /* name the unknown id (the foreign key check that follows only knows the row) */
    static const struct {
        const char *sql, *field, *kind;
    } unknown[] = {
        {"SELECT agreement, skill FROM agreement_skills WHERE skill NOT IN (SELECT id FROM "
         "skills) ORDER BY rowid LIMIT 1",
         "skills", "skill"},
        {"SELECT agreement, partner FROM agreement_partners WHERE partner NOT IN (SELECT id FROM "
         "partners) ORDER BY rowid LIMIT 1",
         "partners", "partner"},
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0] && !rc; i++) {
        if ((rc = sps_prep(st, unknown[i].sql, &s, err)))
            return rc;
        step = sqlite3_step(s);
        if (step == SQLITE_ROW)
            rc = sp_fail_field(err, "agreement", (const char *)sqlite3_column_text(s, 0),
                               unknown[i].field, "unknown %s '%.100s' (not in the pool)",
                               unknown[i].kind, (const char *)sqlite3_column_text(s, 1));
        else if (step != SQLITE_DONE)
            rc = sps_db_fail(st, err, step, "checking the agreements");
        sqlite3_finalize(s);
    }
    return rc;
}

/* Replaces the input tables of defs (cleared by clear) with the given rows in one BEGIN IMMEDIATE
 * transaction; derive (may be NULL) runs after the inserts; references are checked before
 * COMMIT. what names the data in messages. */
static int save_inputs(sp_store *st, const sps_table_def *defs, size_t n_defs, const char *clear,
                       int (*derive)(sp_store *, sp_error *), const char *what,
                       const sp_table_rows *tables, size_t n_tables, sp_error *err)
{
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; the %s were not saved",
                       st->path, what);
    int rc = sps_check_tables(defs, n_defs, tables, n_tables, err);
    if (rc)
        return rc;
    if ((rc = sps_input_begin(st, err)))
        return rc;
    rc = sps_exec(st, clear, err);
    if (!rc)
        rc = sps_insert_rows(st, defs, n_defs, tables, n_tables, 0, err);
    if (!rc && derive)
        rc = derive(st, err);
    if (!rc)
        rc = sps_input_end(st, err);
    if (rc) {
        sps_input_undo(st);
        return rc;
    }
    sp_ok(err);
    return SP_OK;
}

int sp_store_save_redeployment(sp_store *st, const sp_table_rows *tables, size_t n_tables,
                               sp_error *err)
{
    return save_inputs(st, INPUTS, N_INPUTS, CLEAR_REDEPLOY, NULL, "redeployment scenarios", tables,
                       n_tables, err);
}

int sp_store_save_agreements(sp_store *st, const sp_table_rows *tables, size_t n_tables,
                             sp_error *err)
{
    return save_inputs(st, AGREEMENTS, N_AGREEMENTS, CLEAR_AGREEMENTS, derive_agreement_skills,
                       "sharing agreements", tables, n_tables, err);
}

int sp_store_redeploy_read_begin(sp_snapshot **out, sp_store *st, sp_error *err)
{
    *out = NULL;
    sp_snapshot *snap = calloc(1, sizeof *snap);
    if (!snap)
        return sp_fail(err, SP_ENOMEM, "out of memory");
    int rc = sps_read_begin(&snap->mark, st, SP_SCOPE_REDEPLOY, err);
    if (rc) {
        free(snap);
        return rc;
    }
    *out = snap;
    sp_ok(err);
    return SP_OK;
}

int sp_store_read_end(sp_store *st, sp_error *err)
{
    if (sqlite3_get_autocommit(st->db))
        return SP_OK;
    int rc = sps_exec(st, "COMMIT", err);
    if (rc)
        sps_rollback(st);
    return rc;
}

void sp_snapshot_free(sp_snapshot *snap)
{
    free(snap);
}

const char *sp_snapshot_hash(const sp_snapshot *snap)
{
    return snap->mark.hash;
}

int sp_store_write_redeployment(long long *run_id, sp_store *st, const sp_snapshot *snap,
                                const char *command, const sp_run_info *run,
                                const sp_table_rows *tables, size_t n_tables, sp_error *err)
{
    *run_id = 0;
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY,
                       "database '%.200s': read-only; the redeployment was not written", st->path);
    if (!run || !run->status)
        return sp_fail_field(err, "run", NULL, "status", "is required");
    int has_plan = strcmp(run->status, "optimal") == 0 || strcmp(run->status, "feasible") == 0;
    int rc = sps_check_tables(RESULTS, N_RESULTS, tables, has_plan ? n_tables : 0, err);
    if (rc)
        return rc;
    if ((rc = sps_exec(st, "BEGIN IMMEDIATE", err)))
        return rc;
    long long id = 0;
    int changed = 0;
    rc = sps_inputs_changed(&changed, st, SP_SCOPE_REDEPLOY, &snap->mark, err);
    if (!rc && changed) {
        sps_rollback(st);
        sp_error ignored;
        if (!sps_exec(st, "BEGIN IMMEDIATE", &ignored)) {
            if (!sps_insert_run(&id, st, snap->mark.started_at, snap->mark.hash, -1, 0, command,
                                "inputs_changed", NULL, NAN, run->seconds,
                                "the inputs changed while the redeployment was solved; nothing "
                                "was written",
                                &ignored))
                sps_exec(st, "COMMIT", &ignored);
            sps_rollback(st);
        }
        *run_id = id;
        return sp_fail(err, SP_ECHANGED,
                       "database '%.200s': the inputs changed while the redeployment was solved; "
                       "the result was not written (run %lld recorded); run it again",
                       st->path, id);
    }
    if (!rc)
        rc = sps_insert_run(&id, st, snap->mark.started_at, snap->mark.hash,
                            run->periods > 0 ? 0 : -1, run->periods, command, run->status,
                            run->stopped_by, run->gap, run->seconds, run->message, err);
    if (!rc && has_plan)
        rc = sps_insert_rows(st, RESULTS, N_RESULTS, tables, n_tables, id, err);
    if (!rc)
        rc = sps_exec(st, "COMMIT", err);
    if (rc) {
        sps_rollback(st);
        if (rc != SP_EBUSY && rc != SP_EREADONLY) { /* best effort: leave a trace */
            sp_error ignored;
            long long failed = 0;
            if (!sps_exec(st, "BEGIN IMMEDIATE", &ignored)) {
                if (!sps_insert_run(&failed, st, snap->mark.started_at, snap->mark.hash, -1, 0,
                                    command, "error", NULL, NAN, run->seconds,
                                    err ? err->message : NULL, &ignored))
                    sps_exec(st, "COMMIT", &ignored);
                sps_rollback(st);
            }
            *run_id = failed;
        }
        return rc;
    }
    *run_id = id;
    sp_ok(err);
    return SP_OK;
}
