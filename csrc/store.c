/* The store: the only code that includes sqlite3.h (docs/schema.md documents the tables).
 *
 * Rules followed here (../shared/docs/RELIABILITY.md, SQLite section):
 *  - existing databases are opened without SQLITE_OPEN_CREATE: a wrong path never creates a file;
 *    only sp_store_create makes one, and only where nothing exists (O_EXCL);
 *  - every connection: WAL, synchronous=FULL, foreign_keys=ON, a busy timeout; STRICT tables;
 *  - the schema is versioned with PRAGMA user_version (and marked with PRAGMA application_id) and
 *    migrated forward in one transaction;
 *  - prepared statements only, every value bound; the SQL text is constant (table names come from
 *    a fixed list, never from the caller);
 *  - column types are checked when reading (sqlite3_column_double would turn 'abc' into 0);
 *  - writes are single BEGIN IMMEDIATE ... COMMIT transactions, ROLLBACK on any error;
 *  - the nightly write reads its inputs in one read transaction, solves with no transaction open,
 *    then checks in the write transaction that the inputs did not change before it records the
 *    run, writes the plan and moves the current-plan pointer.
 */
#include "store.h"
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define APPLICATION_ID 0x53504f4c /* "SPOL" */
#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

struct sp_inputs {
    sp_pool *pool;
    char *name;
    int first, total;
    char **labels; /* total entries, or NULL when unlabelled */
    long long *demand_ids;
    size_t n_demand_ids, cap_demand_ids;
    sps_read_mark mark;
};

struct sp_rows {
    sp_store *st;
    sqlite3_stmt *s;
    int ncol;
};

/* ---- schema ---------------------------------------------------------------------------------- */

/* MIGRATION_V<n> takes a database from user_version n-1 to n: a NULL-terminated list of
 * statements. Never edit a released one: add one (and raise SP_STORE_SCHEMA_VERSION). */
static const char *const MIGRATION_V1[] = {
    /* the pool, plans and runs */
    "CREATE TABLE settings (\n"
    "  key TEXT PRIMARY KEY NOT NULL,\n"
    "  value ANY NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE periods (\n"
    "  period INTEGER PRIMARY KEY CHECK (period >= 0),\n"
    "  label TEXT UNIQUE\n"
    ") STRICT;\n",
    "CREATE TABLE partners (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT,\n"
    "  population REAL NOT NULL DEFAULT 0\n"
    ") STRICT;\n",
    "CREATE TABLE sites (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id),\n"
    "  name TEXT,\n"
    "  lat REAL NOT NULL,\n"
    "  lon REAL NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE travel_minutes (\n"
    "  from_site TEXT NOT NULL REFERENCES sites(id),\n"
    "  to_site TEXT NOT NULL REFERENCES sites(id),\n"
    "  minutes REAL NOT NULL,\n"
    "  PRIMARY KEY (from_site, to_site)\n"
    ") STRICT;\n",
    "CREATE TABLE skills (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT\n"
    ") STRICT;\n",
    "CREATE TABLE staff (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id),\n"
    "  site TEXT NOT NULL REFERENCES sites(id),\n"
    "  contracted_hours REAL NOT NULL,\n"
    "  cost_per_hour REAL NOT NULL,\n"
    "  max_travel_minutes REAL,\n"
    "  max_partners INTEGER\n"
    ") STRICT;\n",
    "CREATE TABLE staff_skills (\n"
    "  staff TEXT NOT NULL REFERENCES staff(id),\n"
    "  skill TEXT NOT NULL REFERENCES skills(id),\n"
    "  level INTEGER NOT NULL,\n"
    "  PRIMARY KEY (staff, skill)\n"
    ") STRICT;\n",
    "CREATE TABLE authorisations (\n"
    "  staff TEXT NOT NULL REFERENCES staff(id),\n"
    "  partner TEXT NOT NULL REFERENCES partners(id),\n"
    "  PRIMARY KEY (staff, partner)\n"
    ") STRICT;\n",
    "CREATE TABLE availability (\n"
    "  staff TEXT NOT NULL REFERENCES staff(id),\n"
    "  period INTEGER NOT NULL REFERENCES periods(period),\n"
    "  hours REAL NOT NULL,\n"
    "  PRIMARY KEY (staff, period)\n"
    ") STRICT;\n",
    "CREATE TABLE demand (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id),\n"
    "  site TEXT REFERENCES sites(id),\n"
    "  skill TEXT NOT NULL REFERENCES skills(id),\n"
    "  period INTEGER NOT NULL REFERENCES periods(period),\n"
    "  hours REAL NOT NULL,\n"
    "  min_level INTEGER NOT NULL DEFAULT 1,\n"
    "  priority TEXT NOT NULL DEFAULT 'core',\n"
    "  local_only INTEGER NOT NULL DEFAULT 0\n"
    ") STRICT;\n",
    "CREATE TABLE resilience (\n"
    "  partner TEXT NOT NULL REFERENCES partners(id),\n"
    "  skill TEXT NOT NULL REFERENCES skills(id),\n"
    "  min_people INTEGER NOT NULL DEFAULT 0,\n"
    "  max_share REAL NOT NULL DEFAULT 1,\n"
    "  PRIMARY KEY (partner, skill)\n"
    ") STRICT;\n",
    "CREATE TABLE runs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  started_at TEXT NOT NULL,\n"
    "  finished_at TEXT NOT NULL,\n"
    "  command TEXT NOT NULL,\n"
    "  input_hash TEXT,\n"
    "  first_period INTEGER,\n"
    "  periods INTEGER,\n"
    "  status TEXT NOT NULL,\n"
    "  stopped_by TEXT,\n"
    "  gap REAL,\n"
    "  seconds REAL,\n"
    "  library_version TEXT NOT NULL,\n"
    "  message TEXT\n"
    ") STRICT;\n",
    "CREATE TABLE plans (\n"
    "  id INTEGER PRIMARY KEY REFERENCES runs(id),\n"
    "  created_at TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  stopped_by TEXT,\n"
    "  gap REAL NOT NULL,\n"
    "  seconds REAL NOT NULL,\n"
    "  first_period INTEGER NOT NULL,\n"
    "  periods INTEGER NOT NULL,\n"
    "  model_columns INTEGER NOT NULL,\n"
    "  model_rows INTEGER NOT NULL,\n"
    "  model_binaries INTEGER NOT NULL,\n"
    "  assignments INTEGER NOT NULL,\n"
    "  unmet_records INTEGER NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE plan_objective (\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  term TEXT NOT NULL,\n"
    "  value REAL NOT NULL,\n"
    "  bound REAL NOT NULL,\n"
    "  gap REAL NOT NULL,\n"
    "  PRIMARY KEY (plan_id, term)\n"
    ") STRICT;\n",
    "CREATE TABLE plan_assignments (\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  staff TEXT NOT NULL,\n"
    "  partner TEXT NOT NULL,\n"
    "  skill TEXT NOT NULL,\n"
    "  site TEXT NOT NULL,\n"
    "  period INTEGER NOT NULL,\n"
    "  period_label TEXT,\n"
    "  demand_id INTEGER NOT NULL,\n"
    "  hours REAL NOT NULL,\n"
    "  travel_hours REAL NOT NULL,\n"
    "  cost REAL NOT NULL\n"
    ") STRICT;\n",
    "CREATE INDEX plan_assignments_plan ON plan_assignments(plan_id);\n",
    "CREATE TABLE plan_unmet (\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  partner TEXT NOT NULL,\n"
    "  skill TEXT NOT NULL,\n"
    "  site TEXT NOT NULL,\n"
    "  period INTEGER NOT NULL,\n"
    "  period_label TEXT,\n"
    "  demand_id INTEGER NOT NULL,\n"
    "  priority TEXT NOT NULL,\n"
    "  hours_demanded REAL NOT NULL,\n"
    "  hours_unmet REAL NOT NULL,\n"
    "  reason TEXT NOT NULL,\n"
    "  explanation TEXT NOT NULL\n"
    ") STRICT;\n",
    "CREATE INDEX plan_unmet_plan ON plan_unmet(plan_id);\n",
    "CREATE TABLE plan_partners (\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  partner TEXT NOT NULL,\n"
    "  hours_demanded REAL NOT NULL,\n"
    "  hours_received REAL NOT NULL,\n"
    "  hours_unmet REAL NOT NULL,\n"
    "  unmet_statutory REAL NOT NULL,\n"
    "  unmet_core REAL NOT NULL,\n"
    "  unmet_discretionary REAL NOT NULL,\n"
    "  unmet_fraction REAL NOT NULL,\n"
    "  cost REAL NOT NULL,\n"
    "  PRIMARY KEY (plan_id, partner)\n"
    ") STRICT;\n",
    "CREATE TABLE plan_resilience (\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  partner TEXT NOT NULL,\n"
    "  skill TEXT NOT NULL,\n"
    "  hours_demanded REAL NOT NULL,\n"
    "  hours_received REAL NOT NULL,\n"
    "  distinct_people INTEGER NOT NULL,\n"
    "  largest_share REAL NOT NULL,\n"
    "  largest_staff TEXT,\n"
    "  min_people INTEGER NOT NULL,\n"
    "  max_share REAL NOT NULL,\n"
    "  people_short INTEGER NOT NULL,\n"
    "  share_excess_hours REAL NOT NULL,\n"
    "  PRIMARY KEY (plan_id, partner, skill)\n"
    ") STRICT;\n",
    "CREATE TABLE current_plan (\n"
    "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
    "  plan_id INTEGER NOT NULL REFERENCES plans(id),\n"
    "  since TEXT NOT NULL\n"
    ") STRICT;\n",
    NULL};

/* Version 2: redeployment scenarios (inputs) and their results keyed by run (docs/schema.md
 * "Redeployment"). References to the pool's partners, sites and skills are deferred to COMMIT,
 * so that a pool import that keeps those ids can replace them; a write that would orphan a
 * reference is refused with the table and row (sps_fk_check). */
#define DEFER " DEFERRABLE INITIALLY DEFERRED"
static const char *const MIGRATION_V2[] = {
    "CREATE TABLE redeployments (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT,\n"
    "  periods INTEGER NOT NULL,\n"
    "  period_labels TEXT,\n"
    "  grades TEXT,\n"
    "  grades_down INTEGER,\n"
    "  grades_up INTEGER,\n"
    "  period_weeks REAL,\n"
    "  training_limit_weeks REAL,\n"
    "  trial_weeks REAL,\n"
    "  protection_periods INTEGER,\n"
    "  redundancy_cost REAL,\n"
    "  relocation_cost REAL,\n"
    "  travel_speed_kmh REAL,\n"
    "  excess_travel_cost REAL,\n"
    "  excess_travel_periods INTEGER,\n"
    "  waiting_cost_share REAL\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_people (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id)" DEFER ",\n"
    "  post TEXT,\n"
    "  site TEXT NOT NULL REFERENCES sites(id)" DEFER ",\n"
    "  grade ANY NOT NULL,\n"
    "  pay REAL NOT NULL,\n"
    "  hours REAL NOT NULL,\n"
    "  home_site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  home_lat REAL,\n"
    "  home_lon REAL,\n"
    "  max_travel_minutes REAL,\n"
    "  relocate INTEGER NOT NULL DEFAULT 0 CHECK (relocate IN (0, 1)),\n"
    "  post_ends INTEGER NOT NULL DEFAULT 0,\n"
    "  redundancy_cost REAL\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_person_skills (\n"
    "  person TEXT NOT NULL REFERENCES redeploy_people(id)" DEFER ",\n"
    "  skill TEXT NOT NULL REFERENCES skills(id)" DEFER ",\n"
    "  level INTEGER NOT NULL,\n"
    "  PRIMARY KEY (person, skill)\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_preferences (\n"
    "  person TEXT NOT NULL REFERENCES redeploy_people(id)" DEFER ",\n"
    "  rank INTEGER NOT NULL,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id)" DEFER ",\n"
    "  PRIMARY KEY (person, rank)\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_vacancies (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  name TEXT,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id)" DEFER ",\n"
    "  site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  skill TEXT NOT NULL REFERENCES skills(id)" DEFER ",\n"
    "  min_level INTEGER NOT NULL DEFAULT 1,\n"
    "  grade ANY NOT NULL,\n"
    "  pay REAL NOT NULL,\n"
    "  hours REAL NOT NULL,\n"
    "  start INTEGER NOT NULL DEFAULT 0,\n"
    "  natural_wastage INTEGER NOT NULL DEFAULT 0 CHECK (natural_wastage IN (0, 1))\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_leaving_rates (\n"
    "  id TEXT PRIMARY KEY NOT NULL,\n"
    "  partner TEXT NOT NULL REFERENCES partners(id)" DEFER ",\n"
    "  site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  skill TEXT NOT NULL REFERENCES skills(id)" DEFER ",\n"
    "  min_level INTEGER NOT NULL DEFAULT 1,\n"
    "  grade ANY NOT NULL,\n"
    "  pay REAL NOT NULL,\n"
    "  hours REAL NOT NULL,\n"
    "  headcount REAL NOT NULL,\n"
    "  annual_rate REAL NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_routes (\n"
    "  from_skill TEXT NOT NULL REFERENCES skills(id)" DEFER ",\n"
    "  from_level INTEGER NOT NULL,\n"
    "  to_skill TEXT NOT NULL REFERENCES skills(id)" DEFER ",\n"
    "  to_level INTEGER NOT NULL,\n"
    "  weeks REAL NOT NULL,\n"
    "  cost REAL NOT NULL,\n"
    "  PRIMARY KEY (from_skill, from_level, to_skill, to_level)\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_results (\n"
    "  run_id INTEGER PRIMARY KEY REFERENCES runs(id),\n"
    "  redeployment TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  stopped_by TEXT,\n"
    "  gap REAL,\n"
    "  seconds REAL NOT NULL,\n"
    "  model_columns INTEGER NOT NULL,\n"
    "  model_rows INTEGER NOT NULL,\n"
    "  model_pairs INTEGER NOT NULL,\n"
    "  people INTEGER NOT NULL,\n"
    "  redeployed INTEGER NOT NULL,\n"
    "  redundant INTEGER NOT NULL,\n"
    "  relocations INTEGER NOT NULL,\n"
    "  retrained INTEGER NOT NULL,\n"
    "  protected_pay INTEGER NOT NULL,\n"
    "  waiting INTEGER NOT NULL,\n"
    "  vacancies INTEGER NOT NULL,\n"
    "  expected_vacancies INTEGER NOT NULL,\n"
    "  filled INTEGER NOT NULL,\n"
    "  training_cost REAL NOT NULL,\n"
    "  protection_cost REAL NOT NULL,\n"
    "  travel_cost REAL NOT NULL,\n"
    "  relocation_cost REAL NOT NULL,\n"
    "  waiting_cost REAL NOT NULL,\n"
    "  cost_of_avoiding REAL NOT NULL,\n"
    "  redundancy_cost_avoided REAL NOT NULL,\n"
    "  redundancy_cost_incurred REAL NOT NULL,\n"
    "  net_cost REAL NOT NULL,\n"
    "  pool_hours REAL NOT NULL,\n"
    "  misfit REAL NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_objective (\n"
    "  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),\n"
    "  term TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  bound REAL,\n"
    "  gap REAL,\n"
    "  PRIMARY KEY (run_id, term)\n"
    ") STRICT;\n",
    "CREATE TABLE redeploy_outcomes (\n"
    "  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),\n"
    "  person TEXT NOT NULL,\n"
    "  name TEXT,\n"
    "  partner TEXT NOT NULL,\n"
    "  post TEXT,\n"
    "  grade ANY,\n"
    "  outcome TEXT NOT NULL,\n"
    "  vacancy TEXT,\n"
    "  vacancy_partner TEXT,\n"
    "  vacancy_site TEXT,\n"
    "  vacancy_kind TEXT,\n"
    "  start ANY,\n"
    "  new_grade ANY,\n"
    "  grade_change INTEGER NOT NULL,\n"
    "  route TEXT,\n"
    "  training_weeks REAL,\n"
    "  training_cost REAL,\n"
    "  protection_cost REAL,\n"
    "  travel_minutes REAL,\n"
    "  travel_cost REAL,\n"
    "  relocated INTEGER NOT NULL,\n"
    "  relocation_cost REAL,\n"
    "  waiting_periods INTEGER NOT NULL,\n"
    "  pool_hours REAL,\n"
    "  waiting_cost REAL,\n"
    "  cost REAL,\n"
    "  redundancy_cost REAL,\n"
    "  misfit REAL,\n"
    "  reason TEXT NOT NULL,\n"
    "  explanation TEXT NOT NULL,\n"
    "  suitable_posts INTEGER NOT NULL,\n"
    "  detail TEXT NOT NULL\n"
    ") STRICT;\n",
    "CREATE INDEX redeploy_outcomes_run ON redeploy_outcomes(run_id);\n",
    "CREATE TABLE redeploy_fills (\n"
    "  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),\n"
    "  vacancy TEXT NOT NULL,\n"
    "  partner TEXT NOT NULL,\n"
    "  site TEXT NOT NULL,\n"
    "  skill TEXT NOT NULL,\n"
    "  min_level INTEGER NOT NULL,\n"
    "  grade ANY,\n"
    "  start ANY,\n"
    "  kind TEXT NOT NULL,\n"
    "  person TEXT,\n"
    "  candidates INTEGER NOT NULL\n"
    ") STRICT;\n",
    "CREATE INDEX redeploy_fills_run ON redeploy_fills(run_id);\n",
    "CREATE TABLE redeploy_pool_work (\n"
    "  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),\n"
    "  person TEXT NOT NULL,\n"
    "  partner TEXT NOT NULL,\n"
    "  period ANY NOT NULL,\n"
    "  hours REAL NOT NULL\n"
    ") STRICT;\n",
    "CREATE INDEX redeploy_pool_work_run ON redeploy_pool_work(run_id);\n",
    NULL};

/* Version 3: sharing agreements (docs/schema.md "Sharing agreements", docs/economics.md).
 * agreement_skills is not written by callers: sp_store_save_agreements derives it from
 * agreements.skills, so that SQLite checks every skill id (and that a skill is in one agreement
 * only). References to partners and skills are deferred to COMMIT, as redeployment's are. */
static const char *const MIGRATION_V3[] = {
    "CREATE TABLE agreements (\n"
    "  name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),\n"
    "  skills TEXT NOT NULL DEFAULT 'all' CHECK (skills <> ''),\n"
    "  rule TEXT NOT NULL DEFAULT 'usage'\n"
    "    CHECK (rule IN ('population', 'equal', 'usage', 'weights', 'fixed_variable')),\n"
    "  fixed_share REAL NOT NULL DEFAULT 0 CHECK (fixed_share BETWEEN 0 AND 1),\n"
    "  fixed_rule TEXT NOT NULL DEFAULT 'population'\n"
    "    CHECK (fixed_rule IN ('population', 'equal', 'weights')),\n"
    "  tolerance REAL NOT NULL DEFAULT 0 CHECK (tolerance BETWEEN 0 AND 1),\n"
    "  total_cost REAL CHECK (total_cost IS NULL OR total_cost >= 0),\n"
    "  members TEXT NOT NULL DEFAULT 'listed' CHECK (members IN ('listed', 'all')),\n"
    "  CHECK (rule = 'fixed_variable' OR fixed_share = 0)\n"
    ") STRICT;\n",
    "CREATE TABLE agreement_partners (\n"
    "  agreement TEXT NOT NULL REFERENCES agreements(name) ON DELETE CASCADE" DEFER ",\n"
    "  partner TEXT NOT NULL REFERENCES partners(id)" DEFER ",\n"
    "  weight REAL CHECK (weight IS NULL OR weight >= 0),\n"
    "  agreed_share REAL CHECK (agreed_share IS NULL OR agreed_share >= 0),\n"
    "  PRIMARY KEY (agreement, partner)\n"
    ") STRICT;\n",
    "CREATE TABLE agreement_skills (\n"
    "  agreement TEXT NOT NULL REFERENCES agreements(name) ON DELETE CASCADE" DEFER ",\n"
    "  skill TEXT NOT NULL UNIQUE REFERENCES skills(id)" DEFER ",\n"
    "  PRIMARY KEY (agreement, skill)\n"
    ") STRICT;\n",
    NULL};
/* Version 4: shift-level rotas (docs/schema.md "Rotas"). Inputs keyed by calendar date (ISO
 * YYYY-MM-DD: date(d, '+0 days') must give d back, so 2027-02-30 is refused); references to the
 * pool's staff, sites, skills are deferred to COMMIT as redeployment's are, so a pool import that
 * keeps those ids can replace them. The outputs copy ids (like plans): editing the inputs never
 * touches a stored rota. rota_published is what staff were told: for each date, the assignments of
 * the newest rota covering it. */
#define ISO_DATE(c) "CHECK (" c " IS date(" c ", '+0 days'))" /* normalised: no 30 Feb */
static const char *const MIGRATION_V4[] = {
    "CREATE TABLE rota_settings (\n"
    "  key TEXT PRIMARY KEY NOT NULL,\n"
    "  value ANY NOT NULL\n"
    ") STRICT;\n",
    "CREATE TABLE rota_shifts (\n"
    "  id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),\n"
    "  name TEXT,\n"
    "  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),\n"
    "  length_minutes INTEGER NOT NULL CHECK (length_minutes BETWEEN 1 AND 1440),\n"
    "  night INTEGER NOT NULL DEFAULT 0 CHECK (night IN (0, 1)),\n"
    "  unpopular INTEGER NOT NULL DEFAULT 0 CHECK (unpopular IN (0, 1))\n"
    ") STRICT;\n",
    "CREATE TABLE rota_shift_posts (\n"
    "  shift TEXT NOT NULL REFERENCES rota_shifts(id)" DEFER ",\n"
    "  site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  skill TEXT REFERENCES skills(id)" DEFER "\n"
    ") STRICT;\n",
    "CREATE UNIQUE INDEX rota_shift_posts_key ON rota_shift_posts(shift, coalesce(site, ''), "
    "coalesce(skill, ''));\n",
    "CREATE TABLE rota_cover (\n"
    "  shift TEXT NOT NULL REFERENCES rota_shifts(id)" DEFER ",\n"
    "  site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  skill TEXT REFERENCES skills(id)" DEFER ",\n"
    "  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),\n"
    "  requirement INTEGER NOT NULL CHECK (requirement >= 0),\n"
    "  under_weight REAL NOT NULL DEFAULT 0 CHECK (under_weight >= 0),\n"
    "  over_weight REAL NOT NULL DEFAULT 0 CHECK (over_weight >= 0),\n"
    "  hard_min INTEGER NOT NULL DEFAULT 0 CHECK (hard_min BETWEEN 0 AND requirement)\n"
    ") STRICT;\n",
    "CREATE UNIQUE INDEX rota_cover_key ON rota_cover(shift, coalesce(site, ''), "
    "coalesce(skill, ''), weekday);\n",
    "CREATE TABLE rota_cover_dates (\n"
    "  shift TEXT NOT NULL REFERENCES rota_shifts(id)" DEFER ",\n"
    "  site TEXT REFERENCES sites(id)" DEFER ",\n"
    "  skill TEXT REFERENCES skills(id)" DEFER ",\n"
    "  date TEXT NOT NULL " ISO_DATE(
        "date") ",\n"
                "  requirement INTEGER NOT NULL CHECK (requirement >= 0),\n"
                "  under_weight REAL NOT NULL DEFAULT 0 CHECK (under_weight >= 0),\n"
                "  over_weight REAL NOT NULL DEFAULT 0 CHECK (over_weight >= 0),\n"
                "  hard_min INTEGER NOT NULL DEFAULT 0 CHECK (hard_min BETWEEN 0 AND requirement)\n"
                ") STRICT;\n",
    "CREATE UNIQUE INDEX rota_cover_dates_key ON rota_cover_dates(shift, coalesce(site, ''), "
    "coalesce(skill, ''), date);\n",
    "CREATE TABLE rota_staff (\n"
    "  staff TEXT PRIMARY KEY NOT NULL REFERENCES staff(id)" DEFER ",\n"
    "  contract TEXT,\n"
    "  min_minutes_per_week INTEGER NOT NULL DEFAULT 0 CHECK (min_minutes_per_week >= 0),\n"
    "  max_minutes_per_week INTEGER CHECK (max_minutes_per_week >= min_minutes_per_week),\n"
    "  min_consecutive INTEGER NOT NULL DEFAULT 1 CHECK (min_consecutive >= 1),\n"
    "  max_consecutive INTEGER CHECK (max_consecutive >= min_consecutive),\n"
    "  min_days_off INTEGER NOT NULL DEFAULT 1 CHECK (min_days_off >= 1),\n"
    "  max_weekends_per_4_weeks INTEGER CHECK (max_weekends_per_4_weeks BETWEEN 0 AND 4)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_weekly_days_off (\n"
    "  staff TEXT NOT NULL REFERENCES rota_staff(staff)" DEFER ",\n"
    "  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),\n"
    "  PRIMARY KEY (staff, weekday)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_max_shifts (\n"
    "  staff TEXT NOT NULL REFERENCES rota_staff(staff)" DEFER ",\n"
    "  shift TEXT NOT NULL REFERENCES rota_shifts(id)" DEFER ",\n"
    "  max_per_4_weeks INTEGER NOT NULL CHECK (max_per_4_weeks >= 0),\n"
    "  PRIMARY KEY (staff, shift)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_absences (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  staff TEXT NOT NULL REFERENCES rota_staff(staff)" DEFER ",\n"
    "  from_date TEXT NOT NULL " ISO_DATE(
        "from_date") ",\n"
                     "  to_date TEXT NOT NULL " ISO_DATE(
                         "to_date") ",\n"
                                    "  reason TEXT,\n"
                                    "  CHECK (to_date >= from_date)\n"
                                    ") STRICT;\n",
    "CREATE TABLE rota_requests (\n"
    "  staff TEXT NOT NULL REFERENCES rota_staff(staff)" DEFER ",\n"
    "  date TEXT NOT NULL " ISO_DATE("date") ",\n"
                                             "  shift TEXT REFERENCES rota_shifts(id)" DEFER ",\n"
                                             "  kind TEXT NOT NULL CHECK (kind IN ('on', 'off')),\n"
                                             "  weight REAL NOT NULL CHECK (weight >= 0),\n"
                                             "  CHECK (kind = 'off' OR shift IS NOT NULL)\n"
                                             ") STRICT;\n",
    "CREATE TABLE rota_pins (\n"
    "  staff TEXT NOT NULL REFERENCES rota_staff(staff)" DEFER ",\n"
    "  date TEXT NOT NULL " ISO_DATE(
        "date") ",\n"
                "  shift TEXT NOT NULL REFERENCES rota_shifts(id)" DEFER ",\n"
                "  site TEXT REFERENCES sites(id)" DEFER ",\n"
                "  skill TEXT REFERENCES skills(id)" DEFER ",\n"
                "  PRIMARY KEY (staff, date)\n"
                ") STRICT;\n",
    /* outputs, keyed by the run that wrote them */
    "CREATE TABLE rotas (\n"
    "  id INTEGER PRIMARY KEY REFERENCES runs(id),\n"
    "  created_at TEXT NOT NULL,\n"
    "  from_date TEXT NOT NULL " ISO_DATE(
        "from_date") ",\n"
                     "  days INTEGER NOT NULL CHECK (days >= 1),\n"
                     "  status TEXT NOT NULL,\n"
                     "  stopped_by TEXT,\n"
                     "  objective REAL NOT NULL,\n"
                     "  bound REAL,\n"
                     "  gap REAL,\n"
                     "  seconds REAL NOT NULL,\n"
                     "  freeze_days INTEGER NOT NULL,\n"
                     "  model_columns INTEGER NOT NULL,\n"
                     "  model_rows INTEGER NOT NULL,\n"
                     "  model_binaries INTEGER NOT NULL,\n"
                     "  assignments INTEGER NOT NULL,\n"
                     "  cover_gaps INTEGER NOT NULL,\n"
                     "  changes INTEGER NOT NULL,\n"
                     "  current INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1))\n"
                     ") STRICT;\n",
    "CREATE UNIQUE INDEX rotas_one_current ON rotas(current) WHERE current = 1;\n",
    "CREATE TABLE rota_penalties (\n"
    "  rota_id INTEGER NOT NULL REFERENCES rotas(id),\n"
    "  part TEXT NOT NULL,\n"
    "  value REAL NOT NULL,\n"
    "  PRIMARY KEY (rota_id, part)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_assignments (\n"
    "  rota_id INTEGER NOT NULL REFERENCES rotas(id),\n"
    "  date TEXT NOT NULL,\n"
    "  staff TEXT NOT NULL,\n"
    "  shift TEXT NOT NULL,\n"
    "  site TEXT,\n"
    "  skill TEXT,\n"
    "  start TEXT NOT NULL,\n"
    "  minutes INTEGER NOT NULL,\n"
    "  pinned INTEGER NOT NULL,\n"
    "  published INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rota_id, staff, date)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_cover_results (\n"
    "  rota_id INTEGER NOT NULL REFERENCES rotas(id),\n"
    "  date TEXT NOT NULL,\n"
    "  shift TEXT NOT NULL,\n"
    "  site TEXT,\n"
    "  skill TEXT,\n"
    "  requirement INTEGER NOT NULL,\n"
    "  assigned INTEGER NOT NULL,\n"
    "  under_penalty REAL NOT NULL,\n"
    "  over_penalty REAL NOT NULL,\n"
    "  reason TEXT\n"
    ") STRICT;\n",
    "CREATE INDEX rota_cover_results_rota ON rota_cover_results(rota_id);\n",
    "CREATE TABLE rota_people (\n"
    "  rota_id INTEGER NOT NULL REFERENCES rotas(id),\n"
    "  staff TEXT NOT NULL,\n"
    "  contract TEXT,\n"
    "  shifts INTEGER NOT NULL,\n"
    "  minutes INTEGER NOT NULL,\n"
    "  weekends INTEGER NOT NULL,\n"
    "  nights INTEGER,\n"
    "  unpopular INTEGER,\n"
    "  travel_minutes REAL,\n"
    "  shift_on_penalty REAL NOT NULL,\n"
    "  shift_off_penalty REAL NOT NULL,\n"
    "  changes INTEGER,\n"
    "  PRIMARY KEY (rota_id, staff)\n"
    ") STRICT;\n",
    "CREATE TABLE rota_changes (\n"
    "  rota_id INTEGER NOT NULL REFERENCES rotas(id),\n"
    "  staff TEXT NOT NULL,\n"
    "  date TEXT NOT NULL,\n"
    "  before_shift TEXT,\n"
    "  before_site TEXT,\n"
    "  before_skill TEXT,\n"
    "  after_shift TEXT,\n"
    "  after_site TEXT,\n"
    "  after_skill TEXT\n"
    ") STRICT;\n",
    "CREATE INDEX rota_changes_rota ON rota_changes(rota_id);\n",
    "CREATE VIEW rota_published AS\n"
    "WITH RECURSIVE covered(rota_id, date, n) AS (\n"
    "  SELECT id, from_date, 1 FROM rotas\n"
    "  UNION ALL\n"
    "  SELECT c.rota_id, date(c.date, '+1 day'), c.n + 1 FROM covered c\n"
    "  JOIN rotas r ON r.id = c.rota_id WHERE c.n < r.days),\n"
    "newest(date, rota_id) AS (SELECT date, max(rota_id) FROM covered GROUP BY date)\n"
    "SELECT a.date, a.staff, a.shift, a.site, a.skill, a.start, a.minutes, a.rota_id\n"
    "FROM rota_assignments a JOIN newest n ON n.rota_id = a.rota_id AND n.date = a.date;\n",
    NULL};
#undef ISO_DATE
#undef DEFER

static const char *const *const MIGRATIONS[SP_STORE_SCHEMA_VERSION] = {MIGRATION_V1, MIGRATION_V2,
                                                                       MIGRATION_V3, MIGRATION_V4};

/* Every table, inputs first (in the order records may refer to each other), then outputs. The
 * SELECT text of sp_store_rows is made from these constants only. */
typedef struct table_def {
    const char *name;
    int input;          /* SP_SCOPE_* bits: whose inputs the table holds (0: an output) */
    const char *select; /* ?1 is the plan id (or run id) where it applies */
} table_def;

#define SELECT_ALL(t) "SELECT * FROM " t " ORDER BY rowid"
#define SELECT_PLAN(t) "SELECT * FROM " t " WHERE ?1 <= 0 OR plan_id = ?1 ORDER BY rowid"
#define SELECT_RUN(t) "SELECT * FROM " t " WHERE ?1 <= 0 OR run_id = ?1 ORDER BY rowid"
#define SELECT_ROTA(t) "SELECT * FROM " t " WHERE ?1 <= 0 OR rota_id = ?1 ORDER BY rowid"
#define BOTH (SP_SCOPE_PLAN | SP_SCOPE_REDEPLOY)

static const table_def TABLES[] = {
    {"settings", 1, SELECT_ALL("settings")},
    {"periods", 1, SELECT_ALL("periods")},
    {"partners", BOTH | SP_SCOPE_ROTA, SELECT_ALL("partners")},
    {"sites", BOTH | SP_SCOPE_ROTA, SELECT_ALL("sites")},
    {"travel_minutes", BOTH | SP_SCOPE_ROTA, SELECT_ALL("travel_minutes")},
    {"skills", BOTH | SP_SCOPE_ROTA, SELECT_ALL("skills")},
    {"staff", 1 | SP_SCOPE_ROTA, SELECT_ALL("staff")},
    {"staff_skills", 1 | SP_SCOPE_ROTA, SELECT_ALL("staff_skills")},
    {"authorisations", 1, SELECT_ALL("authorisations")},
    {"availability", 1, SELECT_ALL("availability")},
    {"demand", 1, SELECT_ALL("demand")},
    {"resilience", 1, SELECT_ALL("resilience")},
    {"redeployments", SP_SCOPE_REDEPLOY, SELECT_ALL("redeployments")},
    {"redeploy_people", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_people")},
    {"redeploy_person_skills", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_person_skills")},
    {"redeploy_preferences", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_preferences")},
    {"redeploy_vacancies", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_vacancies")},
    {"redeploy_leaving_rates", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_leaving_rates")},
    {"redeploy_routes", SP_SCOPE_REDEPLOY, SELECT_ALL("redeploy_routes")},
    {"agreements", SP_SCOPE_ECONOMICS, SELECT_ALL("agreements")},
    {"agreement_partners", SP_SCOPE_ECONOMICS, SELECT_ALL("agreement_partners")},
    {"agreement_skills", SP_SCOPE_ECONOMICS, SELECT_ALL("agreement_skills")},
    {"rota_settings", SP_SCOPE_ROTA, SELECT_ALL("rota_settings")},
    {"rota_shifts", SP_SCOPE_ROTA, SELECT_ALL("rota_shifts")},
    {"rota_shift_posts", SP_SCOPE_ROTA, SELECT_ALL("rota_shift_posts")},
    {"rota_cover", SP_SCOPE_ROTA, SELECT_ALL("rota_cover")},
    {"rota_cover_dates", SP_SCOPE_ROTA, SELECT_ALL("rota_cover_dates")},
    {"rota_staff", SP_SCOPE_ROTA, SELECT_ALL("rota_staff")},
    {"rota_weekly_days_off", SP_SCOPE_ROTA, SELECT_ALL("rota_weekly_days_off")},
    {"rota_max_shifts", SP_SCOPE_ROTA, SELECT_ALL("rota_max_shifts")},
    {"rota_absences", SP_SCOPE_ROTA, SELECT_ALL("rota_absences")},
    {"rota_requests", SP_SCOPE_ROTA, SELECT_ALL("rota_requests")},
    {"rota_pins", SP_SCOPE_ROTA, SELECT_ALL("rota_pins")},
    {"runs", 0, SELECT_ALL("runs")},
    {"plans", 0, "SELECT * FROM plans WHERE ?1 <= 0 OR id = ?1 ORDER BY rowid"},
    {"plan_objective", 0, SELECT_PLAN("plan_objective")},
    {"plan_assignments", 0, SELECT_PLAN("plan_assignments")},
    {"plan_unmet", 0, SELECT_PLAN("plan_unmet")},
    {"plan_partners", 0, SELECT_PLAN("plan_partners")},
    {"plan_resilience", 0, SELECT_PLAN("plan_resilience")},
    {"current_plan", 0, SELECT_ALL("current_plan")},
    {"redeploy_results", 0, SELECT_RUN("redeploy_results")},
    {"redeploy_objective", 0, SELECT_RUN("redeploy_objective")},
    {"redeploy_outcomes", 0, SELECT_RUN("redeploy_outcomes")},
    {"redeploy_fills", 0, SELECT_RUN("redeploy_fills")},
    {"redeploy_pool_work", 0, SELECT_RUN("redeploy_pool_work")},
    {"rotas", 0, "SELECT * FROM rotas WHERE ?1 <= 0 OR id = ?1 ORDER BY rowid"},
    {"rota_penalties", 0, SELECT_ROTA("rota_penalties")},
    {"rota_assignments", 0, SELECT_ROTA("rota_assignments")},
    {"rota_cover_results", 0, SELECT_ROTA("rota_cover_results")},
    {"rota_people", 0, SELECT_ROTA("rota_people")},
    {"rota_changes", 0, SELECT_ROTA("rota_changes")},
    {"rota_published", 0, "SELECT * FROM rota_published ORDER BY date, staff"},
};
#define N_TABLES (sizeof TABLES / sizeof TABLES[0])

static const char *const PRIORITY_NAME[SP_PRIORITY_COUNT] = {"statutory", "core", "discretionary"};
static const char *const TERM_NAME[SP_TERM_COUNT] = {"unmet", "fairness", "resilience", "cost"};
static const char *const STATUS_NAME[] = {"optimal", "feasible", "infeasible", "no_solution"};

/* ---- errors ---------------------------------------------------------------------------------- */

static int code_for(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SP_EBUSY;
    case SQLITE_READONLY:
        return SP_EREADONLY;
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return SP_ENODB;
    case SQLITE_NOMEM:
        return SP_ENOMEM;
    default:
        return SP_EDB;
    }
}

/* Fails with the code for SQLite result rc, naming the database and what was being done. */
int sps_db_fail(const sp_store *st, sp_error *err, int rc, const char *what)
{
    int code = code_for(rc);
    const char *text = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    const char *hint = "";
    if (code == SP_EBUSY)
        hint = " (another job holds the database; try again later or raise the busy timeout)";
    else if (code == SP_EREADONLY)
        hint = " (the database is read-only)";
    return sp_fail(err, code, "database '%.200s': %s: %s%s", st ? st->path : "?", what, text, hint);
}

/* Prefixes err->message with the table and row a failing record came from. */
int sps_in_row(sp_error *err, int rc, const char *table, long long rowid)
{
    if (err && rc) {
        char copy[sizeof err->message];
        memcpy(copy, err->message, sizeof copy);
        snprintf(err->message, sizeof err->message, "table %s, row %lld: %.440s", table, rowid,
                 copy);
    }
    return rc;
}

/* ---- small helpers --------------------------------------------------------------------------- */

int sps_exec(sp_store *st, const char *sql, sp_error *err)
{
    if (st->batch && !strncmp(sql, "BEGIN", 5)) /* a read or a result write */
        return sp_fail(err, SP_EINVAL,
                       "database '%.200s': an import batch is open; reads and result writes "
                       "wait until it ends",
                       st->path);
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? SP_OK : sps_db_fail(st, err, rc, sql);
}

int sps_prep(sp_store *st, const char *sql, sqlite3_stmt **s, sp_error *err)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);
    if (rc != SQLITE_OK) {
        *s = NULL;
        return sps_db_fail(st, err, rc, "preparing a statement");
    }
    return SP_OK;
}

void sps_rollback(sp_store *st)
{
    if (!st->batch && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int sps_input_begin(sp_store *st, sp_error *err)
{
    return sps_exec(st, st->batch ? "SAVEPOINT sp_input" : "BEGIN IMMEDIATE", err);
}

int sps_input_end(sp_store *st, sp_error *err)
{
    if (st->batch)
        return sps_exec(st, "RELEASE sp_input", err);
    int rc = sps_fk_check(st, err);
    return rc ? rc : sps_exec(st, "COMMIT", err);
}

void sps_input_undo(sp_store *st)
{
    if (st->batch)
        sqlite3_exec(st->db, "ROLLBACK TO sp_input; RELEASE sp_input", NULL, NULL, NULL);
    else
        sps_rollback(st);
}

int sp_store_import_begin(sp_store *st, sp_error *err)
{
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; nothing can be imported",
                       st->path);
    if (st->batch)
        return sp_fail(err, SP_EINVAL, "database '%.200s': an import batch is already open",
                       st->path);
    int rc = sps_exec(st, "BEGIN IMMEDIATE", err);
    if (!rc)
        st->batch = 1;
    return rc;
}

int sp_store_import_end(sp_store *st, int commit, sp_error *err)
{
    if (!st->batch)
        return sp_fail(err, SP_EINVAL, "database '%.200s': no import batch is open", st->path);
    st->batch = 0;
    int rc = commit ? sps_fk_check(st, err) : SP_OK;
    if (commit && !rc)
        rc = sps_exec(st, "COMMIT", err);
    if (!commit || rc)
        sps_rollback(st);
    if (!rc)
        sp_ok(err);
    return rc;
}

/* Steps a statement that returns no row, then resets it for the next bindings. */
int sps_step_done(sp_store *st, sqlite3_stmt *s, sp_error *err, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return sps_db_fail(st, err, rc, what);
    if (st->write_delay_us > 0) {
        struct timespec ts = {st->write_delay_us / 1000000,
                              (long)(st->write_delay_us % 1000000) * 1000L};
        nanosleep(&ts, NULL);
    }
    return SP_OK;
}

void sps_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* NaN and infinities are stored as NULL (SQLite would store NaN as NULL anyway). */
void sps_bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

int sps_select_int(sp_store *st, const char *sql, long long *out, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(st, sql, &s, err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_INTEGER) {
        *out = sqlite3_column_int64(s, 0);
        rc = SP_OK;
    } else {
        rc = sps_db_fail(st, err, step == SQLITE_ROW ? SQLITE_MISMATCH : step, sql);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- opening --------------------------------------------------------------------------------- */

static int migrate(sp_store *st, sp_error *err)
{
    int rc = sps_exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    long long version = 0;
    rc = sps_select_int(st, "PRAGMA user_version", &version, err);
    for (long long v = version; !rc && v < SP_STORE_SCHEMA_VERSION; v++)
        for (const char *const *sql = MIGRATIONS[v]; !rc && *sql; sql++)
            rc = sps_exec(st, *sql, err);
    if (!rc && version < SP_STORE_SCHEMA_VERSION) {
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
                 (int)SP_STORE_SCHEMA_VERSION, APPLICATION_ID);
        rc = sps_exec(st, sql, err);
    }
    if (!rc)
        rc = sps_exec(st, "COMMIT", err);
    if (rc)
        sps_rollback(st);
    return rc;
}

static int configure(sp_store *st, double busy_timeout, int creating, sp_error *err)
{
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, busy_timeout < 0 ? 30000 : (int)fmin(busy_timeout * 1000.0, 1e9));
    int rc = sps_exec(st, "PRAGMA foreign_keys = ON", err);
    if (rc)
        return rc;
    long long app = 0, version = 0;
    /* The first read of the file: a file that is not a database fails here with SQLITE_NOTADB. */
    if ((rc = sps_select_int(st, "PRAGMA application_id", &app, err)) ||
        (rc = sps_select_int(st, "PRAGMA user_version", &version, err)))
        return rc;
    if (!creating && app != APPLICATION_ID)
        return sp_fail(err, SP_ENODB,
                       "database '%.200s': not a staffpool database (create one with `staffpool "
                       "init`)",
                       st->path);
    if (version > SP_STORE_SCHEMA_VERSION)
        return sp_fail(err, SP_ENODB,
                       "database '%.200s': schema version %lld is newer than this staffpool "
                       "(%s) reads (%d); upgrade staffpool",
                       st->path, version, SP_VERSION, (int)SP_STORE_SCHEMA_VERSION);
    st->readonly = sqlite3_db_readonly(st->db, "main") == 1;
    if (!st->readonly) {
        if ((rc = sps_exec(st, "PRAGMA journal_mode = WAL", err)) ||
            (rc = sps_exec(st, "PRAGMA synchronous = FULL", err)))
            return rc;
        if (version < SP_STORE_SCHEMA_VERSION)
            return migrate(st, err);
    } else if (version < SP_STORE_SCHEMA_VERSION) {
        return sp_fail(err, SP_ENODB,
                       "database '%.200s': schema version %lld needs upgrading to %d, which a "
                       "read-only database cannot do; open it once for writing",
                       st->path, version, (int)SP_STORE_SCHEMA_VERSION);
    }
    return SP_OK;
}

static sp_store *store_alloc(const char *path, sp_error *err)
{
    sp_store *st = calloc(1, sizeof *st);
    if (st && !(st->path = sp_strdup(path))) {
        free(st);
        st = NULL;
    }
    if (!st)
        sp_fail(err, SP_ENOMEM, "out of memory opening a database");
    return st;
}

int sp_store_open(sp_store **out, const char *path, int flags, double busy_timeout, sp_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return sp_fail(err, SP_ENODB, "no database path given");
    sp_store *st = store_alloc(path, err);
    if (!st)
        return SP_ENOMEM;
    int oflags = (flags & SP_STORE_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                 SQLITE_OPEN_URI; /* never SQLITE_OPEN_CREATE */
    int rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        int code = code_for(rc) == SP_EDB ? SP_ENODB : code_for(rc);
        sp_fail(err, code, "database '%.200s': cannot open: %s (no such file, or not readable)",
                path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        sp_store_close(st);
        return code;
    }
    if ((rc = configure(st, busy_timeout, 0, err))) {
        sp_store_close(st);
        return rc;
    }
    *out = st;
    sp_ok(err);
    return SP_OK;
}

static void remove_files(const char *path)
{
    size_t n = strlen(path) + 8;
    char *other = malloc(n);
    unlink(path);
    if (other) {
        snprintf(other, n, "%s-wal", path);
        unlink(other);
        snprintf(other, n, "%s-shm", path);
        unlink(other);
        free(other);
    }
}

int sp_store_create(sp_store **out, const char *path, sp_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return sp_fail_field(err, "database", NULL, "path", "no database path given");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            return sp_fail_field(err, "database", path, "path",
                                 "already exists; it was not touched");
        return sp_fail(err, SP_ENODB, "database '%.200s': cannot create: %s", path,
                       strerror(errno));
    }
    close(fd);
    sp_store *st = store_alloc(path, err);
    if (!st) {
        remove_files(path);
        return SP_ENOMEM;
    }
    int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK)
        rc = sps_db_fail(st, err, rc, "opening the new file");
    else
        rc = configure(st, 30.0, 1, err);
    if (rc) {
        sp_store_close(st);
        remove_files(path);
        return rc;
    }
    *out = st;
    sp_ok(err);
    return SP_OK;
}

void sp_store_close(sp_store *st)
{
    if (!st)
        return;
    if (st->db) {
        sps_rollback(st);
        sqlite3_close_v2(st->db);
    }
    free(st->path);
    free(st);
}

int sp_store_readonly(const sp_store *st)
{
    return st->readonly;
}

void sp_store_set_write_delay(sp_store *st, int microseconds)
{
    st->write_delay_us = microseconds > 0 ? microseconds : 0;
}

int sp_store_check(sp_store *st, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(st, "PRAGMA integrity_check", &s, err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step != SQLITE_ROW) {
        rc = sps_db_fail(st, err, step, "integrity check");
    } else {
        const char *text = (const char *)sqlite3_column_text(s, 0);
        if (!text || strcmp(text, "ok") != 0)
            rc = sp_fail(err, SP_ENODB, "database '%.200s': integrity check failed: %.300s",
                         st->path, text ? text : "?");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;
    if ((rc = sps_prep(st, "PRAGMA foreign_key_check", &s, err)))
        return rc;
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(s, 0);
        const char *parent = (const char *)sqlite3_column_text(s, 2);
        rc = sp_fail(err, SP_ENODB,
                     "database '%.200s': table %s, row %lld refers to a missing %s record",
                     st->path, table ? table : "?", (long long)sqlite3_column_int64(s, 1),
                     parent ? parent : "?");
    } else if (step != SQLITE_DONE) {
        rc = sps_db_fail(st, err, step, "foreign key check");
    }
    sqlite3_finalize(s);
    if (!rc)
        sp_ok(err);
    return rc;
}

int sps_fk_check(sp_store *st, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(st, "PRAGMA foreign_key_check", &s, err);
    if (rc)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(s, 0);
        const char *parent = (const char *)sqlite3_column_text(s, 2);
        char rec[64];
        snprintf(rec, sizeof rec, "%s row %lld", table ? table : "?",
                 (long long)sqlite3_column_int64(s, 1));
        rc = sp_fail_field(err, "table", rec, "reference",
                           "refers to a %s record that does not exist (nothing was written)",
                           parent ? parent : "?");
    } else if (step != SQLITE_DONE) {
        rc = sps_db_fail(st, err, step, "foreign key check");
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- saving a pool --------------------------------------------------------------------------- */

static const char *const CLEAR_INPUTS =
    "DELETE FROM resilience; DELETE FROM demand; DELETE FROM availability;"
    "DELETE FROM authorisations; DELETE FROM staff_skills; DELETE FROM staff;"
    "DELETE FROM travel_minutes; DELETE FROM sites; DELETE FROM skills; DELETE FROM partners;"
    "DELETE FROM periods; DELETE FROM settings;";

/* Statements of save_pool, prepared once. */
enum {
    INS_SETTING,
    INS_PERIOD,
    INS_PARTNER,
    INS_SITE,
    INS_TRAVEL,
    INS_SKILL,
    INS_STAFF,
    INS_STAFF_SKILL,
    INS_AUTH,
    INS_AVAIL,
    INS_DEMAND,
    INS_RULE,
    INS_COUNT
};
static const char *const INSERT_SQL[INS_COUNT] = {
    "INSERT INTO settings(key, value) VALUES (?1, ?2)",
    "INSERT INTO periods(period, label) VALUES (?1, ?2)",
    "INSERT INTO partners(id, name, population) VALUES (?1, ?2, ?3)",
    "INSERT INTO sites(id, partner, name, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5)",
    "INSERT INTO travel_minutes(from_site, to_site, minutes) VALUES (?1, ?2, ?3)",
    "INSERT INTO skills(id, name) VALUES (?1, ?2)",
    "INSERT INTO staff(id, name, partner, site, contracted_hours, cost_per_hour, "
    "max_travel_minutes, max_partners) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "INSERT INTO staff_skills(staff, skill, level) VALUES (?1, ?2, ?3)",
    "INSERT INTO authorisations(staff, partner) VALUES (?1, ?2)",
    "INSERT INTO availability(staff, period, hours) VALUES (?1, ?2, ?3)",
    "INSERT INTO demand(id, partner, site, skill, period, hours, min_level, priority, local_only) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO resilience(partner, skill, min_people, max_share) VALUES (?1, ?2, ?3, ?4)",
};

static int save_records(sp_store *st, sqlite3_stmt **q, const sp_pool *pool, const char *name,
                        const char *const *labels, sp_error *err)
{
    int rc = SP_OK;
#define DONE(stmt, what)                                                                           \
    do {                                                                                           \
        if ((rc = sps_step_done(st, (stmt), err, (what))))                                         \
            return rc;                                                                             \
    } while (0)
    static const char *const keys[] = {"reserve_share",        "travel_speed_kmh", "visit_hours",
                                       "min_engagement_hours", "weight_statutory", "weight_core",
                                       "weight_discretionary"};
    const double values[] = {pool->reserve_share,      pool->travel_speed_kmh,
                             pool->visit_hours,        pool->min_engagement,
                             pool->priority_weight[0], pool->priority_weight[1],
                             pool->priority_weight[2]};
    if (name) {
        sps_bind_text(q[INS_SETTING], 1, "name");
        sps_bind_text(q[INS_SETTING], 2, name);
        DONE(q[INS_SETTING], "saving settings");
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sps_bind_text(q[INS_SETTING], 1, keys[i]);
        sqlite3_bind_double(q[INS_SETTING], 2, values[i]);
        DONE(q[INS_SETTING], "saving settings");
    }
    for (int t = 0; t < pool->periods; t++) {
        sqlite3_bind_int(q[INS_PERIOD], 1, t);
        sps_bind_text(q[INS_PERIOD], 2, labels ? labels[t] : NULL);
        DONE(q[INS_PERIOD], "saving periods");
    }
    for (size_t i = 0; i < pool->n_partners; i++) {
        const sp_partner *p = &pool->partners[i];
        sps_bind_text(q[INS_PARTNER], 1, p->id);
        sps_bind_text(q[INS_PARTNER], 2, p->name);
        sqlite3_bind_double(q[INS_PARTNER], 3, p->population);
        DONE(q[INS_PARTNER], "saving partners");
    }
    for (size_t i = 0; i < pool->n_sites; i++) {
        const sp_site *s = &pool->sites[i];
        sps_bind_text(q[INS_SITE], 1, s->id);
        sps_bind_text(q[INS_SITE], 2, pool->partners[s->partner].id);
        sps_bind_text(q[INS_SITE], 3, s->name);
        sqlite3_bind_double(q[INS_SITE], 4, s->lat);
        sqlite3_bind_double(q[INS_SITE], 5, s->lon);
        DONE(q[INS_SITE], "saving sites");
    }
    for (size_t i = 0; i < pool->n_travel; i++) {
        const sp_travel_override *o = &pool->travel[i];
        if (!o->explicit_pair)
            continue; /* the mirrored direction is implied */
        sps_bind_text(q[INS_TRAVEL], 1, pool->sites[o->from].id);
        sps_bind_text(q[INS_TRAVEL], 2, pool->sites[o->to].id);
        sqlite3_bind_double(q[INS_TRAVEL], 3, o->minutes);
        DONE(q[INS_TRAVEL], "saving travel minutes");
    }
    for (size_t i = 0; i < pool->n_skills; i++) {
        sps_bind_text(q[INS_SKILL], 1, pool->skills[i].id);
        sps_bind_text(q[INS_SKILL], 2, pool->skills[i].name);
        DONE(q[INS_SKILL], "saving skills");
    }
    for (size_t i = 0; i < pool->n_staff; i++) {
        const sp_staff *s = &pool->staff[i];
        sps_bind_text(q[INS_STAFF], 1, s->id);
        sps_bind_text(q[INS_STAFF], 2, s->name);
        sps_bind_text(q[INS_STAFF], 3, pool->partners[s->partner].id);
        sps_bind_text(q[INS_STAFF], 4, pool->sites[s->site].id);
        sqlite3_bind_double(q[INS_STAFF], 5, s->contracted);
        sqlite3_bind_double(q[INS_STAFF], 6, s->cost_per_hour);
        if (s->max_travel >= 0)
            sqlite3_bind_double(q[INS_STAFF], 7, s->max_travel);
        if (s->max_partners > 0)
            sqlite3_bind_int(q[INS_STAFF], 8, s->max_partners);
        DONE(q[INS_STAFF], "saving staff");
    }
    for (size_t i = 0; i < pool->n_staff; i++) {
        const sp_staff *s = &pool->staff[i];
        for (size_t k = 0; k < s->n_skills; k++) {
            sps_bind_text(q[INS_STAFF_SKILL], 1, s->id);
            sps_bind_text(q[INS_STAFF_SKILL], 2, pool->skills[s->skills[k].skill].id);
            sqlite3_bind_int(q[INS_STAFF_SKILL], 3, s->skills[k].level);
            DONE(q[INS_STAFF_SKILL], "saving staff skills");
        }
    }
    for (size_t i = 0; i < pool->n_staff; i++) {
        const sp_staff *s = &pool->staff[i];
        for (size_t k = 0; k < s->n_authorised; k++) {
            sps_bind_text(q[INS_AUTH], 1, s->id);
            sps_bind_text(q[INS_AUTH], 2, pool->partners[s->authorised[k]].id);
            DONE(q[INS_AUTH], "saving authorisations");
        }
    }
    for (size_t i = 0; i < pool->n_staff; i++) {
        const sp_staff *s = &pool->staff[i];
        for (int t = 0; t < pool->periods; t++) {
            if (s->available[t] == s->contracted)
                continue; /* the default */
            sps_bind_text(q[INS_AVAIL], 1, s->id);
            sqlite3_bind_int(q[INS_AVAIL], 2, t);
            sqlite3_bind_double(q[INS_AVAIL], 3, s->available[t]);
            DONE(q[INS_AVAIL], "saving availability");
        }
    }
    for (size_t i = 0; i < pool->n_demand; i++) {
        const sp_demand *d = &pool->demand[i];
        sqlite3_stmt *s = q[INS_DEMAND];
        sqlite3_bind_int64(s, 1, (long long)i + 1);
        sps_bind_text(s, 2, pool->partners[d->partner].id);
        sps_bind_text(s, 3, pool->sites[d->site].id);
        sps_bind_text(s, 4, pool->skills[d->skill].id);
        sqlite3_bind_int(s, 5, d->period);
        sqlite3_bind_double(s, 6, d->hours);
        sqlite3_bind_int(s, 7, d->min_level);
        sps_bind_text(s, 8, PRIORITY_NAME[d->priority]);
        sqlite3_bind_int(s, 9, d->local_only != 0);
        DONE(s, "saving demand");
    }
    for (size_t i = 0; i < pool->n_rules; i++) {
        const sp_rule *r = &pool->rules[i];
        sps_bind_text(q[INS_RULE], 1, pool->partners[r->partner].id);
        sps_bind_text(q[INS_RULE], 2, pool->skills[r->skill].id);
        sqlite3_bind_int(q[INS_RULE], 3, r->min_people);
        sqlite3_bind_double(q[INS_RULE], 4, r->max_share);
        DONE(q[INS_RULE], "saving resilience rules");
    }
#undef DONE
    return SP_OK;
}

int sp_store_save_pool(sp_store *st, const sp_pool *pool, const char *name,
                       const char *const *period_labels, sp_error *err)
{
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; the pool was not saved",
                       st->path);
    if (period_labels)
        for (int t = 0; t < pool->periods; t++)
            if (!period_labels[t])
                return sp_fail_field(err, "pool", NULL, "period_labels",
                                     "label of period %d is missing", t);
    sqlite3_stmt *q[INS_COUNT] = {0};
    int rc = sps_input_begin(st, err);
    if (rc)
        return rc;
    for (int i = 0; i < INS_COUNT && !rc; i++)
        rc = sps_prep(st, INSERT_SQL[i], &q[i], err);
    if (!rc)
        rc = sps_exec(st, CLEAR_INPUTS, err);
    if (!rc)
        rc = save_records(st, q, pool, name, period_labels, err);
    for (int i = 0; i < INS_COUNT; i++)
        sqlite3_finalize(q[i]);
    if (!rc) /* a redeployment scenario may refer to partners, sites or skills the pool dropped */
        rc = sps_input_end(st, err);
    if (rc) {
        sps_input_undo(st);
        return rc;
    }
    st->saves++;
    sp_ok(err);
    return SP_OK;
}

/* ---- reading inputs -------------------------------------------------------------------------- */

static const char *type_name(int t)
{
    switch (t) {
    case SQLITE_INTEGER:
        return "an integer";
    case SQLITE_FLOAT:
        return "a real number";
    case SQLITE_TEXT:
        return "text";
    case SQLITE_BLOB:
        return "a blob";
    default:
        return "NULL";
    }
}

/* Typed column readers: each checks the stored type and names the record and field on error.
 * kind/id name the record as sp_fail_field does. */
int sps_col_text(const char **out, sqlite3_stmt *s, int col, int required, const char *kind,
                 const char *id, const char *field, sp_error *err)
{
    int t = sqlite3_column_type(s, col);
    *out = NULL;
    if (t == SQLITE_NULL)
        return required ? sp_fail_field(err, kind, id, field, "is required (NULL)") : SP_OK;
    if (t != SQLITE_TEXT)
        return sp_fail_field(err, kind, id, field, "must be text (got %s)", type_name(t));
    const char *v = (const char *)sqlite3_column_text(s, col);
    if (!v)
        return sp_fail(err, SP_ENOMEM, "out of memory reading %s", field);
    if ((int)strlen(v) != sqlite3_column_bytes(s, col))
        return sp_fail_field(err, kind, id, field, "contains a NUL character");
    *out = v;
    return SP_OK;
}

int sps_col_real(double *out, sqlite3_stmt *s, int col, int required, double dflt, const char *kind,
                 const char *id, const char *field, sp_error *err)
{
    int t = sqlite3_column_type(s, col);
    *out = dflt;
    if (t == SQLITE_NULL)
        return required ? sp_fail_field(err, kind, id, field, "is required (NULL)") : SP_OK;
    if (t != SQLITE_FLOAT && t != SQLITE_INTEGER)
        return sp_fail_field(err, kind, id, field, "must be a number (got %s)", type_name(t));
    *out = sqlite3_column_double(s, col);
    return SP_OK;
}

int sps_col_int(int *out, sqlite3_stmt *s, int col, int required, int dflt, const char *kind,
                const char *id, const char *field, sp_error *err)
{
    int t = sqlite3_column_type(s, col);
    *out = dflt;
    if (t == SQLITE_NULL)
        return required ? sp_fail_field(err, kind, id, field, "is required (NULL)") : SP_OK;
    if (t != SQLITE_INTEGER)
        return sp_fail_field(err, kind, id, field, "must be an integer (got %s)", type_name(t));
    long long v = sqlite3_column_int64(s, col);
    if (v < -2147483647LL || v > 2147483647LL)
        return sp_fail_field(err, kind, id, field, "out of range (got %lld)", v);
    *out = (int)v;
    return SP_OK;
}

void sp_inputs_free(sp_inputs *in)
{
    if (!in)
        return;
    sp_pool_free(in->pool);
    if (in->labels)
        for (int t = 0; t < in->total; t++)
            free(in->labels[t]);
    free(in->labels);
    free(in->name);
    free(in->demand_ids);
    free(in);
}

const sp_pool *sp_inputs_pool(const sp_inputs *in)
{
    return in->pool;
}
const char *sp_inputs_hash(const sp_inputs *in)
{
    return in->mark.hash;
}
const char *sp_inputs_name(const sp_inputs *in)
{
    return in->name ? in->name : "";
}
int sp_inputs_first_period(const sp_inputs *in)
{
    return in->first;
}
int sp_inputs_total_periods(const sp_inputs *in)
{
    return in->total;
}

const char *sp_inputs_period_label(const sp_inputs *in, int p)
{
    if (!in->labels || p < 0 || !in->pool || p >= in->pool->periods)
        return NULL;
    return in->labels[in->first + p];
}

long long sp_inputs_demand_id(const sp_inputs *in, size_t index)
{
    return index < in->n_demand_ids ? in->demand_ids[index] : -1;
}

/* SHA-256 over every input table, value by value with its type: any change to the inputs
 * changes the hash, and the same inputs always give the same hash. */
int sps_hash_inputs(sp_store *st, int scope, char hex[65], sp_error *err)
{
    sp_sha256 c;
    sp_sha256_init(&c);
    for (size_t i = 0; i < N_TABLES; i++) {
        if (!(TABLES[i].input & scope))
            continue;
        sqlite3_stmt *s;
        int rc = sps_prep(st, TABLES[i].select, &s, err);
        if (rc)
            return rc;
        sp_sha256_update(&c, TABLES[i].name, strlen(TABLES[i].name) + 1);
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            int n = sqlite3_column_count(s);
            for (int col = 0; col < n; col++) {
                unsigned char tag = (unsigned char)sqlite3_column_type(s, col);
                unsigned char buf[8];
                sp_sha256_update(&c, &tag, 1);
                if (tag == SQLITE_INTEGER || tag == SQLITE_FLOAT) {
                    uint64_t bits;
                    if (tag == SQLITE_INTEGER) {
                        bits = (uint64_t)sqlite3_column_int64(s, col);
                    } else {
                        double d = sqlite3_column_double(s, col);
                        memcpy(&bits, &d, sizeof bits);
                    }
                    for (int b = 0; b < 8; b++)
                        buf[b] = (unsigned char)(bits >> (8 * b));
                    sp_sha256_update(&c, buf, 8);
                } else if (tag == SQLITE_TEXT || tag == SQLITE_BLOB) {
                    const void *p = tag == SQLITE_TEXT ? (const void *)sqlite3_column_text(s, col)
                                                       : sqlite3_column_blob(s, col);
                    uint64_t len = (uint64_t)sqlite3_column_bytes(s, col);
                    for (int b = 0; b < 8; b++)
                        buf[b] = (unsigned char)(len >> (8 * b));
                    sp_sha256_update(&c, buf, 8);
                    if (len)
                        sp_sha256_update(&c, p, (size_t)len);
                }
            }
            unsigned char end = 0xff;
            sp_sha256_update(&c, &end, 1);
        }
        sqlite3_finalize(s);
        if (step != SQLITE_DONE)
            return sps_db_fail(st, err, step, "hashing the inputs");
    }
    sp_sha256_hex(&c, hex);
    return SP_OK;
}

typedef struct loader {
    sp_store *st;
    sp_inputs *in;
    sp_error *err;
    int last, first_in_db; /* horizon in database periods: [first_in_db, last) */
} loader;

/* Runs sql, calling row() for each row; row errors are prefixed with the table and rowid (the
 * last column of every loader query is the rowid). */
static int each_row(loader *L, const char *table, const char *sql,
                    int (*row)(loader *, sqlite3_stmt *, char *, sp_error *))
{
    sqlite3_stmt *s;
    int rc = sps_prep(L->st, sql, &s, L->err);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        long long rowid = sqlite3_column_int64(s, sqlite3_column_count(s) - 1);
        char rec[32];
        snprintf(rec, sizeof rec, "%lld", rowid);
        if ((rc = row(L, s, rec, L->err))) {
            sqlite3_finalize(s);
            return sps_in_row(L->err, rc, table, rowid);
        }
    }
    sqlite3_finalize(s);
    return step == SQLITE_DONE ? SP_OK : sps_db_fail(L->st, L->err, step, table);
}

static int row_setting(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    (void)rec;
    const char *key;
    int rc = sps_col_text(&key, s, 0, 1, "settings", NULL, "key", err);
    if (rc)
        return rc;
    sp_pool *pool = L->in->pool;
    if (strcmp(key, "name") == 0) {
        const char *name;
        if ((rc = sps_col_text(&name, s, 1, 1, "settings", key, "value", err)))
            return rc;
        free(L->in->name);
        if (!(L->in->name = sp_strdup(name)))
            return sp_fail(err, SP_ENOMEM, "out of memory");
        return SP_OK;
    }
    double v;
    if ((rc = sps_col_real(&v, s, 1, 1, 0, "settings", key, "value", err)))
        return rc;
    if (strcmp(key, "reserve_share") == 0)
        return sp_pool_set_reserve_share(pool, v, err);
    if (strcmp(key, "travel_speed_kmh") == 0)
        return sp_pool_set_travel_speed(pool, v, err);
    if (strcmp(key, "visit_hours") == 0)
        return sp_pool_set_visit_hours(pool, v, err);
    if (strcmp(key, "min_engagement_hours") == 0)
        return sp_pool_set_min_engagement(pool, v, err);
    for (int p = 0; p < SP_PRIORITY_COUNT; p++) {
        char name[40];
        snprintf(name, sizeof name, "weight_%s", PRIORITY_NAME[p]);
        if (strcmp(key, name) == 0)
            return sp_pool_set_priority_weight(pool, p, v, err);
    }
    return sp_fail_field(err, "settings", key, "key", "unknown setting");
}

static int row_partner(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    (void)rec;
    const char *id, *name;
    double pop;
    int rc;
    if ((rc = sps_col_text(&id, s, 0, 1, "partner", NULL, "id", err)) ||
        (rc = sps_col_text(&name, s, 1, 0, "partner", id, "name", err)) ||
        (rc = sps_col_real(&pop, s, 2, 0, 0, "partner", id, "population", err)))
        return rc;
    return sp_pool_add_partner(L->in->pool, id, name, pop, err);
}

static int row_site(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    (void)rec;
    const char *id, *partner, *name;
    double lat, lon;
    int rc;
    if ((rc = sps_col_text(&id, s, 0, 1, "site", NULL, "id", err)) ||
        (rc = sps_col_text(&partner, s, 1, 1, "site", id, "partner", err)) ||
        (rc = sps_col_text(&name, s, 2, 0, "site", id, "name", err)) ||
        (rc = sps_col_real(&lat, s, 3, 1, 0, "site", id, "lat", err)) ||
        (rc = sps_col_real(&lon, s, 4, 1, 0, "site", id, "lon", err)))
        return rc;
    return sp_pool_add_site(L->in->pool, id, partner, name, lat, lon, err);
}

static int row_travel(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *from, *to;
    double minutes;
    int rc;
    if ((rc = sps_col_text(&from, s, 0, 1, "travel_minutes", rec, "from_site", err)) ||
        (rc = sps_col_text(&to, s, 1, 1, "travel_minutes", rec, "to_site", err)) ||
        (rc = sps_col_real(&minutes, s, 2, 1, 0, "travel_minutes", rec, "minutes", err)))
        return rc;
    return sp_pool_set_travel_minutes(L->in->pool, from, to, minutes, err);
}

static int row_skill(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    (void)rec;
    const char *id, *name;
    int rc;
    if ((rc = sps_col_text(&id, s, 0, 1, "skill", NULL, "id", err)) ||
        (rc = sps_col_text(&name, s, 1, 0, "skill", id, "name", err)))
        return rc;
    return sp_pool_add_skill(L->in->pool, id, name, err);
}

static int row_staff(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    (void)rec;
    const char *id, *name, *partner, *site;
    double hours, cost, travel;
    int limit, rc;
    if ((rc = sps_col_text(&id, s, 0, 1, "staff", NULL, "id", err)) ||
        (rc = sps_col_text(&name, s, 1, 0, "staff", id, "name", err)) ||
        (rc = sps_col_text(&partner, s, 2, 1, "staff", id, "partner", err)) ||
        (rc = sps_col_text(&site, s, 3, 1, "staff", id, "site", err)) ||
        (rc = sps_col_real(&hours, s, 4, 1, 0, "staff", id, "contracted_hours", err)) ||
        (rc = sps_col_real(&cost, s, 5, 1, 0, "staff", id, "cost_per_hour", err)) ||
        (rc = sps_col_real(&travel, s, 6, 0, -1, "staff", id, "max_travel_minutes", err)) ||
        (rc = sps_col_int(&limit, s, 7, 0, 0, "staff", id, "max_partners", err)))
        return rc;
    if (sqlite3_column_type(s, 6) != SQLITE_NULL && travel < 0)
        return sp_fail_field(err, "staff", id, "max_travel_minutes",
                             "must be >= 0 or NULL (got %g)", travel);
    if (sqlite3_column_type(s, 7) != SQLITE_NULL && limit < 1)
        return sp_fail_field(err, "staff", id, "max_partners", "must be >= 1 or NULL (got %d)",
                             limit);
    return sp_pool_add_staff(L->in->pool, id, name, partner, site, hours, cost, travel, limit, err);
}

static int row_staff_skill(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *staff, *skill;
    int level, rc;
    if ((rc = sps_col_text(&staff, s, 0, 1, "staff_skills", rec, "staff", err)) ||
        (rc = sps_col_text(&skill, s, 1, 1, "staff_skills", rec, "skill", err)) ||
        (rc = sps_col_int(&level, s, 2, 1, 0, "staff_skills", rec, "level", err)))
        return rc;
    return sp_pool_add_staff_skill(L->in->pool, staff, skill, level, err);
}

static int row_auth(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *staff, *partner;
    int rc;
    if ((rc = sps_col_text(&staff, s, 0, 1, "authorisations", rec, "staff", err)) ||
        (rc = sps_col_text(&partner, s, 1, 1, "authorisations", rec, "partner", err)))
        return rc;
    return sp_pool_authorise(L->in->pool, staff, partner, err);
}

/* A period of the database, checked against the whole horizon; *keep says whether it falls in
 * the horizon being loaded, *rel gives its index there. */
static int horizon_period(loader *L, sqlite3_stmt *s, int col, const char *kind, const char *rec,
                          int *keep, int *rel, sp_error *err)
{
    int period, rc = sps_col_int(&period, s, col, 1, 0, kind, rec, "period", err);
    if (rc)
        return rc;
    if (period < 0 || period >= L->in->total)
        return sp_fail_field(err, kind, rec, "period", "must be 0..%d (got %d)", L->in->total - 1,
                             period);
    *keep = period >= L->first_in_db && period < L->last;
    *rel = period - L->first_in_db;
    return SP_OK;
}

static int row_avail(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *staff;
    double hours;
    int keep, rel, rc;
    if ((rc = sps_col_text(&staff, s, 0, 1, "availability", rec, "staff", err)) ||
        (rc = horizon_period(L, s, 1, "availability", rec, &keep, &rel, err)) ||
        (rc = sps_col_real(&hours, s, 2, 1, 0, "availability", rec, "hours", err)))
        return rc;
    return keep ? sp_pool_set_availability(L->in->pool, staff, rel, hours, err) : SP_OK;
}

static int row_demand(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *partner, *site, *skill, *priority;
    double hours;
    int keep, rel, min_level, local_only, rc;
    if ((rc = sps_col_text(&partner, s, 0, 1, "demand", rec, "partner", err)) ||
        (rc = sps_col_text(&site, s, 1, 0, "demand", rec, "site", err)) ||
        (rc = sps_col_text(&skill, s, 2, 1, "demand", rec, "skill", err)) ||
        (rc = horizon_period(L, s, 3, "demand", rec, &keep, &rel, err)) ||
        (rc = sps_col_real(&hours, s, 4, 1, 0, "demand", rec, "hours", err)) ||
        (rc = sps_col_int(&min_level, s, 5, 0, 1, "demand", rec, "min_level", err)) ||
        (rc = sps_col_text(&priority, s, 6, 0, "demand", rec, "priority", err)) ||
        (rc = sps_col_int(&local_only, s, 7, 0, 0, "demand", rec, "local_only", err)))
        return rc;
    int p = SP_PRIORITY_CORE;
    if (priority) {
        for (p = 0; p < SP_PRIORITY_COUNT && strcmp(priority, PRIORITY_NAME[p]) != 0; p++)
            ;
        if (p == SP_PRIORITY_COUNT)
            return sp_fail_field(err, "demand", rec, "priority",
                                 "unknown priority '%.64s' (use statutory, core, discretionary)",
                                 priority);
    }
    if (local_only != 0 && local_only != 1)
        return sp_fail_field(err, "demand", rec, "local_only", "must be 0 or 1 (got %d)",
                             local_only);
    if (!keep)
        return SP_OK;
    if ((rc = sp_pool_add_demand(L->in->pool, partner, site, skill, rel, hours, min_level, p,
                                 local_only, err)))
        return rc;
    sp_inputs *in = L->in;
    if (sp_grow(&in->demand_ids, &in->cap_demand_ids, in->n_demand_ids + 1, sizeof *in->demand_ids))
        return sp_fail(err, SP_ENOMEM, "out of memory reading demand");
    in->demand_ids[in->n_demand_ids++] = sqlite3_column_int64(s, 8);
    return SP_OK;
}

static int row_rule(loader *L, sqlite3_stmt *s, char *rec, sp_error *err)
{
    const char *partner, *skill;
    int min_people, rc;
    double share;
    if ((rc = sps_col_text(&partner, s, 0, 1, "resilience", rec, "partner", err)) ||
        (rc = sps_col_text(&skill, s, 1, 1, "resilience", rec, "skill", err)) ||
        (rc = sps_col_int(&min_people, s, 2, 0, 0, "resilience", rec, "min_people", err)) ||
        (rc = sps_col_real(&share, s, 3, 0, 1.0, "resilience", rec, "max_share", err)))
        return rc;
    return sp_pool_set_resilience(L->in->pool, partner, skill, min_people, share, err);
}

/* Periods: 0..n-1 without gaps; labels all given or all NULL. */
static int read_periods(loader *L, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(L->st, "SELECT period, label FROM periods ORDER BY period", &s, err);
    if (rc)
        return rc;
    size_t cap = 0, n = 0, labelled = 0;
    char **labels = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int period;
        const char *label;
        char rec[32];
        snprintf(rec, sizeof rec, "%zu", n);
        if ((rc = sps_col_int(&period, s, 0, 1, 0, "periods", rec, "period", err)) ||
            (rc = sps_col_text(&label, s, 1, 0, "periods", rec, "label", err)))
            break;
        if (period != (int)n) {
            rc = sp_fail_field(err, "periods", rec, "period",
                               "periods must be numbered 0, 1, 2... without gaps (found %d)",
                               period);
            break;
        }
        if (n >= SP_MAX_PERIODS) {
            rc = sp_fail_field(err, "periods", rec, "period", "more than %d periods",
                               SP_MAX_PERIODS);
            break;
        }
        if ((rc = sp_grow(&labels, &cap, n + 1, sizeof *labels))) {
            rc = sp_fail(err, SP_ENOMEM, "out of memory reading periods");
            break;
        }
        labels[n] = label ? sp_strdup(label) : NULL;
        if (label && !labels[n]) {
            rc = sp_fail(err, SP_ENOMEM, "out of memory reading periods");
            break;
        }
        labelled += label != NULL;
        n++;
    }
    sqlite3_finalize(s);
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = sps_db_fail(L->st, err, step, "reading periods");
    if (!rc && n == 0)
        rc = sp_fail_field(err, "periods", NULL, "period",
                           "the database has no periods (import a pool first)");
    if (!rc && labelled && labelled != n)
        rc = sp_fail_field(err, "periods", NULL, "label",
                           "give every period a label, or none (%zu of %zu labelled)", labelled, n);
    if (rc || !labelled) {
        for (size_t i = 0; i < n; i++)
            free(labels[i]);
        free(labels);
        labels = NULL;
    }
    L->in->labels = labels;
    L->in->total = (int)n;
    return rc;
}

static int load(loader *L, int first, int periods, sp_error *err)
{
    sp_inputs *in = L->in;
    int rc = read_periods(L, err);
    if (rc)
        return rc;
    if (first < 0 || first >= in->total)
        return sp_fail_field(err, "horizon", NULL, "from", "first period must be 0..%d (got %d)",
                             in->total - 1, first);
    if (periods <= 0)
        periods = in->total - first;
    if (periods > in->total - first)
        return sp_fail_field(err, "horizon", NULL, "periods",
                             "%d periods from period %d run past the last period (%d)", periods,
                             first, in->total - 1);
    in->first = L->first_in_db = first;
    L->last = first + periods;
    if ((rc = sp_pool_new(&in->pool, periods, err)))
        return rc;
    if ((rc = each_row(L, "settings", "SELECT key, value, rowid FROM settings ORDER BY rowid",
                       row_setting)) ||
        (rc = each_row(L, "partners",
                       "SELECT id, name, population, rowid FROM partners ORDER BY rowid",
                       row_partner)) ||
        (rc = each_row(L, "sites",
                       "SELECT id, partner, name, lat, lon, rowid FROM sites ORDER BY rowid",
                       row_site)) ||
        (rc = each_row(L, "travel_minutes",
                       "SELECT from_site, to_site, minutes, rowid FROM travel_minutes "
                       "ORDER BY rowid",
                       row_travel)) ||
        (rc = each_row(L, "skills", "SELECT id, name, rowid FROM skills ORDER BY rowid",
                       row_skill)) ||
        (rc = each_row(L, "staff",
                       "SELECT id, name, partner, site, contracted_hours, cost_per_hour, "
                       "max_travel_minutes, max_partners, rowid FROM staff ORDER BY rowid",
                       row_staff)) ||
        (rc = each_row(L, "staff_skills",
                       "SELECT staff, skill, level, rowid FROM staff_skills ORDER BY rowid",
                       row_staff_skill)) ||
        (rc = each_row(L, "authorisations",
                       "SELECT staff, partner, rowid FROM authorisations ORDER BY rowid",
                       row_auth)) ||
        (rc = each_row(L, "availability",
                       "SELECT staff, period, hours, rowid FROM availability ORDER BY rowid",
                       row_avail)) ||
        (rc = each_row(L, "demand",
                       "SELECT partner, site, skill, period, hours, min_level, priority, "
                       "local_only, id, rowid FROM demand ORDER BY id",
                       row_demand)) ||
        (rc = each_row(L, "resilience",
                       "SELECT partner, skill, min_people, max_share, rowid FROM resilience "
                       "ORDER BY rowid",
                       row_rule)))
        return rc;
    return SP_OK;
}

int sps_read_now(sp_store *st, char *out, size_t size, sp_error *err)
{
    sqlite3_stmt *s;
    int rc = sps_prep(st, "SELECT " NOW_SQL, &s, err);
    if (rc)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
    else
        snprintf(out, size, "?");
    sqlite3_finalize(s);
    return SP_OK;
}

int sp_store_read_inputs(sp_inputs **out, sp_store *st, int first_period, int periods,
                         sp_error *err)
{
    *out = NULL;
    sp_inputs *in = calloc(1, sizeof *in);
    if (!in)
        return sp_fail(err, SP_ENOMEM, "out of memory reading inputs");
    loader L = {st, in, err, 0, 0};
    /* one read transaction: every table from one snapshot */
    int rc = sps_read_begin(&in->mark, st, SP_SCOPE_PLAN, err);
    if (!rc) {
        rc = load(&L, first_period, periods, err);
        if (rc)
            sps_rollback(st);
        else
            rc = sps_exec(st, "COMMIT", err);
    }
    if (rc) {
        sp_inputs_free(in);
        return rc;
    }
    *out = in;
    sp_ok(err);
    return SP_OK;
}

/* ---- writing plans and runs ------------------------------------------------------------------ */

int sps_insert_run(long long *run_id, sp_store *st, const char *started_at, const char *hash,
                   int first_period, int periods, const char *command, const char *status,
                   const char *stopped_by, double gap, double seconds, const char *message,
                   sp_error *err)
{
    sqlite3_stmt *s;
    int rc =
        sps_prep(st,
                 "INSERT INTO runs(started_at, finished_at, command, input_hash, first_period, "
                 "periods, status, stopped_by, gap, seconds, library_version, message) "
                 "VALUES (coalesce(?1, " NOW_SQL "), " NOW_SQL ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                 "?9, ?10, ?11)",
                 &s, err);
    if (rc)
        return rc;
    sps_bind_text(s, 1, started_at);
    sps_bind_text(s, 2, command ? command : "");
    sps_bind_text(s, 3, hash);
    if (first_period >= 0 && periods > 0) {
        sqlite3_bind_int(s, 4, first_period);
        sqlite3_bind_int(s, 5, periods);
    }
    sps_bind_text(s, 6, status);
    sps_bind_text(s, 7, stopped_by);
    sps_bind_real(s, 8, gap);
    sps_bind_real(s, 9, seconds);
    sps_bind_text(s, 10, SP_VERSION);
    sps_bind_text(s, 11, message);
    rc = sps_step_done(st, s, err, "recording the run");
    sqlite3_finalize(s);
    if (!rc)
        *run_id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

int sp_store_record_run(long long *run_id, sp_store *st, const sp_inputs *in, const char *command,
                        const char *status, const char *message, double seconds, sp_error *err)
{
    *run_id = 0;
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; the run was not recorded",
                       st->path);
    int rc = sps_exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    long long id = 0;
    rc = sps_insert_run(&id, st, in ? in->mark.started_at : NULL, in ? in->mark.hash : NULL,
                        in && in->pool ? in->first : -1, in && in->pool ? in->pool->periods : 0,
                        command, status ? status : "error", NULL, NAN, seconds, message, err);
    if (!rc)
        rc = sps_exec(st, "COMMIT", err);
    if (rc) {
        sps_rollback(st);
        return rc;
    }
    *run_id = id;
    sp_ok(err);
    return SP_OK;
}

static const char *period_label(const sp_inputs *in, int p)
{
    return sp_inputs_period_label(in, p);
}

static int write_plan_rows(sp_store *st, long long plan, const sp_inputs *in,
                           const sp_solution *sol, sp_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc;
    size_t n_a = 0, n_u = 0, n_p = 0, n_r = 0;
    const sp_assignment *a = sp_solution_assignments(sol, &n_a);
    const sp_unmet *u = sp_solution_unmet(sol, &n_u);
    const sp_partner_summary *ps = sp_solution_partners(sol, &n_p);
    const sp_resilience *rs = sp_solution_resilience(sol, &n_r);
    int stop = sp_solution_stop_reason(sol);

    if ((rc = sps_prep(st,
                       "INSERT INTO plans(id, created_at, status, stopped_by, gap, seconds, "
                       "first_period, periods, model_columns, model_rows, model_binaries, "
                       "assignments, unmet_records) VALUES (?1, " NOW_SQL
                       ", ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                       &s, err)))
        return rc;
    sqlite3_bind_int64(s, 1, plan);
    sps_bind_text(s, 2, STATUS_NAME[sp_solution_status(sol)]);
    sps_bind_text(s, 3,
                  stop == SP_STOP_TIME_LIMIT  ? "time_limit"
                  : stop == SP_STOP_CANCELLED ? "cancelled"
                                              : NULL);
    sqlite3_bind_double(s, 4, isfinite(sp_solution_gap(sol)) ? sp_solution_gap(sol) : 1e300);
    sqlite3_bind_double(s, 5, sp_solution_seconds(sol));
    sqlite3_bind_int(s, 6, in->first);
    sqlite3_bind_int(s, 7, in->pool->periods);
    sqlite3_bind_int64(s, 8, (long long)sp_solution_columns(sol));
    sqlite3_bind_int64(s, 9, (long long)sp_solution_rows(sol));
    sqlite3_bind_int64(s, 10, (long long)sp_solution_binaries(sol));
    sqlite3_bind_int64(s, 11, (long long)n_a);
    sqlite3_bind_int64(s, 12, (long long)n_u);
    rc = sps_step_done(st, s, err, "writing the plan");
    sqlite3_finalize(s);
    if (rc)
        return rc;

    if ((rc = sps_prep(st,
                       "INSERT INTO plan_objective(plan_id, term, value, bound, gap) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
                       &s, err)))
        return rc;
    for (int t = 0; t < SP_TERM_COUNT && !rc; t++) {
        sp_term term;
        sp_solution_term(&term, sol, t);
        sqlite3_bind_int64(s, 1, plan);
        sps_bind_text(s, 2, TERM_NAME[t]);
        sqlite3_bind_double(s, 3, isfinite(term.value) ? term.value : 1e300);
        sqlite3_bind_double(s, 4, isfinite(term.bound) ? term.bound : -1e300);
        sqlite3_bind_double(s, 5, isfinite(term.gap) ? term.gap : 1e300);
        rc = sps_step_done(st, s, err, "writing the objective");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;

    if ((rc = sps_prep(st,
                       "INSERT INTO plan_assignments(plan_id, staff, partner, skill, site, period, "
                       "period_label, demand_id, hours, travel_hours, cost) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       &s, err)))
        return rc;
    for (size_t i = 0; i < n_a && !rc; i++) {
        sqlite3_bind_int64(s, 1, plan);
        sps_bind_text(s, 2, a[i].staff_id);
        sps_bind_text(s, 3, a[i].partner_id);
        sps_bind_text(s, 4, a[i].skill_id);
        sps_bind_text(s, 5, a[i].site_id);
        sqlite3_bind_int(s, 6, in->first + a[i].period);
        sps_bind_text(s, 7, period_label(in, a[i].period));
        sqlite3_bind_int64(s, 8, sp_inputs_demand_id(in, a[i].demand_index));
        sqlite3_bind_double(s, 9, a[i].hours);
        sqlite3_bind_double(s, 10, a[i].travel_hours);
        sqlite3_bind_double(s, 11, a[i].cost);
        rc = sps_step_done(st, s, err, "writing assignments");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;

    if ((rc =
             sps_prep(st,
                      "INSERT INTO plan_unmet(plan_id, partner, skill, site, period, period_label, "
                      "demand_id, priority, hours_demanded, hours_unmet, reason, explanation) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                      &s, err)))
        return rc;
    for (size_t i = 0; i < n_u && !rc; i++) {
        sqlite3_bind_int64(s, 1, plan);
        sps_bind_text(s, 2, u[i].partner_id);
        sps_bind_text(s, 3, u[i].skill_id);
        sps_bind_text(s, 4, u[i].site_id);
        sqlite3_bind_int(s, 5, in->first + u[i].period);
        sps_bind_text(s, 6, period_label(in, u[i].period));
        sqlite3_bind_int64(s, 7, sp_inputs_demand_id(in, u[i].demand_index));
        sps_bind_text(s, 8,
                      u[i].priority >= 0 && u[i].priority < SP_PRIORITY_COUNT
                          ? PRIORITY_NAME[u[i].priority]
                          : "core");
        sqlite3_bind_double(s, 9, u[i].hours_demanded);
        sqlite3_bind_double(s, 10, u[i].hours_unmet);
        sps_bind_text(s, 11, sp_reason_name(u[i].reason));
        sps_bind_text(s, 12, sp_reason_text(u[i].reason));
        rc = sps_step_done(st, s, err, "writing unmet demand");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;

    if ((rc =
             sps_prep(st,
                      "INSERT INTO plan_partners(plan_id, partner, hours_demanded, hours_received, "
                      "hours_unmet, unmet_statutory, unmet_core, unmet_discretionary, "
                      "unmet_fraction, cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                      &s, err)))
        return rc;
    for (size_t i = 0; i < n_p && !rc; i++) {
        sqlite3_bind_int64(s, 1, plan);
        sps_bind_text(s, 2, ps[i].partner_id);
        sqlite3_bind_double(s, 3, ps[i].hours_demanded);
        sqlite3_bind_double(s, 4, ps[i].hours_received);
        sqlite3_bind_double(s, 5, ps[i].hours_unmet);
        for (int p = 0; p < SP_PRIORITY_COUNT; p++)
            sqlite3_bind_double(s, 6 + p, ps[i].unmet_by_priority[p]);
        sqlite3_bind_double(s, 9, ps[i].unmet_fraction);
        sqlite3_bind_double(s, 10, ps[i].cost);
        rc = sps_step_done(st, s, err, "writing partner summaries");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;

    if ((rc = sps_prep(st,
                       "INSERT INTO plan_resilience(plan_id, partner, skill, hours_demanded, "
                       "hours_received, distinct_people, largest_share, largest_staff, min_people, "
                       "max_share, people_short, share_excess_hours) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                       &s, err)))
        return rc;
    for (size_t i = 0; i < n_r && !rc; i++) {
        sqlite3_bind_int64(s, 1, plan);
        sps_bind_text(s, 2, rs[i].partner_id);
        sps_bind_text(s, 3, rs[i].skill_id);
        sqlite3_bind_double(s, 4, rs[i].hours_demanded);
        sqlite3_bind_double(s, 5, rs[i].hours_received);
        sqlite3_bind_int(s, 6, rs[i].distinct_people);
        sqlite3_bind_double(s, 7, rs[i].largest_share);
        sps_bind_text(s, 8, rs[i].largest_staff_id);
        sqlite3_bind_int(s, 9, rs[i].min_people);
        sqlite3_bind_double(s, 10, rs[i].max_share);
        sqlite3_bind_int(s, 11, rs[i].people_short);
        sqlite3_bind_double(s, 12, rs[i].share_excess_hours);
        rc = sps_step_done(st, s, err, "writing resilience");
    }
    sqlite3_finalize(s);
    if (rc)
        return rc;

    /* Last: the pointer moves only in the transaction that wrote the whole plan. */
    if ((rc = sps_prep(st,
                       "INSERT INTO current_plan(id, plan_id, since) VALUES (1, ?1, " NOW_SQL ") "
                       "ON CONFLICT(id) DO UPDATE SET plan_id = excluded.plan_id, "
                       "since = excluded.since",
                       &s, err)))
        return rc;
    sqlite3_bind_int64(s, 1, plan);
    rc = sps_step_done(st, s, err, "making the plan current");
    sqlite3_finalize(s);
    return rc;
}

int sps_read_begin(sps_read_mark *mark, sp_store *st, int scope, sp_error *err)
{
    mark->saves = st->saves;
    int rc = sps_read_now(st, mark->started_at, sizeof mark->started_at, err);
    if (!rc)
        rc = sps_exec(st, "BEGIN", err);
    if (rc)
        return rc;
    rc = sps_hash_inputs(st, scope, mark->hash, err);
    if (!rc)
        rc = sps_select_int(st, "PRAGMA data_version", &mark->data_version, err);
    if (rc)
        sps_rollback(st);
    return rc;
}

int sps_inputs_changed(int *changed, sp_store *st, int scope, const sps_read_mark *mark,
                       sp_error *err)
{
    long long version = 0;
    int rc = sps_select_int(st, "PRAGMA data_version", &version, err);
    if (rc)
        return rc;
    *changed = 0;
    if (version == mark->data_version && st->saves == mark->saves)
        return SP_OK;
    char now[65];
    if ((rc = sps_hash_inputs(st, scope, now, err)))
        return rc;
    *changed = strcmp(now, mark->hash) != 0;
    return SP_OK;
}

int sp_store_write_plan(long long *run_id, sp_store *st, const sp_inputs *in,
                        const sp_solution *sol, const char *command, sp_error *err)
{
    *run_id = 0;
    if (st->readonly)
        return sp_fail(err, SP_EREADONLY, "database '%.200s': read-only; the plan was not written",
                       st->path);
    int status = sp_solution_status(sol);
    int stop = sp_solution_stop_reason(sol);
    int has_plan = status == SP_STATUS_OPTIMAL || status == SP_STATUS_FEASIBLE;
    const char *stopped_by = stop == SP_STOP_TIME_LIMIT  ? "time_limit"
                             : stop == SP_STOP_CANCELLED ? "cancelled"
                                                         : NULL;
    int rc = sps_exec(st, "BEGIN IMMEDIATE", err);
    if (rc)
        return rc;
    int changed = 0;
    long long id = 0;
    rc = sps_inputs_changed(&changed, st, SP_SCOPE_PLAN, &in->mark, err);
    if (!rc && changed) {
        sps_rollback(st);
        sp_error ignored;
        sp_store_record_run(&id, st, in, command, "inputs_changed",
                            "the inputs changed while the plan was solved; nothing was written",
                            sp_solution_seconds(sol), &ignored);
        *run_id = id;
        return sp_fail(err, SP_ECHANGED,
                       "database '%.200s': the inputs changed while the plan was solved; the plan "
                       "was not written (run %lld recorded); run the plan again",
                       st->path, id);
    }
    char message[160];
    size_t n_a = 0, n_u = 0;
    sp_solution_assignments(sol, &n_a);
    sp_solution_unmet(sol, &n_u);
    if (has_plan)
        snprintf(message, sizeof message, "plan written: %zu assignments, %zu unmet records", n_a,
                 n_u);
    else
        snprintf(message, sizeof message, "no plan (%s); the current plan is unchanged",
                 STATUS_NAME[status]);
    if (!rc)
        rc = sps_insert_run(&id, st, in->mark.started_at, in->mark.hash, in->first,
                            in->pool->periods, command, STATUS_NAME[status], stopped_by,
                            sp_solution_gap(sol), sp_solution_seconds(sol), message, err);
    if (!rc && has_plan)
        rc = write_plan_rows(st, id, in, sol, err);
    if (!rc)
        rc = sps_exec(st, "COMMIT", err);
    if (rc) {
        sps_rollback(st);
        if (rc != SP_EBUSY && rc != SP_EREADONLY) { /* best effort: leave a trace of the failure */
            sp_error ignored;
            long long failed = 0;
            sp_store_record_run(&failed, st, in, command, "error", err ? err->message : NULL,
                                sp_solution_seconds(sol), &ignored);
            *run_id = failed;
        }
        return rc;
    }
    *run_id = id;
    sp_ok(err);
    return SP_OK;
}

int sp_store_current_plan(long long *plan_id, sp_store *st, sp_error *err)
{
    *plan_id = 0;
    int rc = sps_select_int(
        st, "SELECT coalesce((SELECT plan_id FROM current_plan WHERE id = 1), 0)", plan_id, err);
    if (!rc)
        sp_ok(err);
    return rc;
}

/* ---- reading any table ----------------------------------------------------------------------- */

const char *sp_store_table(int i)
{
    return i >= 0 && (size_t)i < N_TABLES ? TABLES[i].name : NULL;
}

static const table_def *find_table(const char *name)
{
    for (size_t i = 0; name && i < N_TABLES; i++)
        if (strcmp(TABLES[i].name, name) == 0)
            return &TABLES[i];
    return NULL;
}

int sp_store_table_is_plan(const char *table)
{
    const table_def *t = find_table(table);
    if (!t)
        return -1;
    return strncmp(t->name, "plan_", 5) == 0;
}

int sp_store_rows(sp_rows **out, sp_store *st, const char *table, long long plan_id, sp_error *err)
{
    *out = NULL;
    const table_def *t = find_table(table);
    if (!t)
        return sp_fail_field(err, "table", table ? table : "", "name",
                             "unknown table (see docs/schema.md)");
    sp_rows *rows = calloc(1, sizeof *rows);
    if (!rows)
        return sp_fail(err, SP_ENOMEM, "out of memory");
    int rc = sps_prep(st, t->select, &rows->s, err);
    if (rc) {
        free(rows);
        return rc;
    }
    if (sqlite3_bind_parameter_count(rows->s) >= 1)
        sqlite3_bind_int64(rows->s, 1, plan_id);
    rows->st = st;
    rows->ncol = sqlite3_column_count(rows->s);
    *out = rows;
    sp_ok(err);
    return SP_OK;
}

void sp_rows_free(sp_rows *rows)
{
    if (!rows)
        return;
    sqlite3_finalize(rows->s);
    free(rows);
}

int sp_rows_columns(const sp_rows *rows)
{
    return rows->ncol;
}

const char *sp_rows_column_name(const sp_rows *rows, int col)
{
    return col >= 0 && col < rows->ncol ? sqlite3_column_name(rows->s, col) : NULL;
}

int sp_rows_next(sp_rows *rows, sp_error *err)
{
    int step = sqlite3_step(rows->s);
    if (step == SQLITE_ROW)
        return 1;
    sqlite3_reset(rows->s); /* ends the read transaction at once */
    if (step == SQLITE_DONE)
        return 0;
    return sps_db_fail(rows->st, err, step, "reading rows");
}

int sp_rows_type(const sp_rows *rows, int col)
{
    if (col < 0 || col >= rows->ncol)
        return SP_VALUE_NULL;
    switch (sqlite3_column_type(rows->s, col)) {
    case SQLITE_INTEGER:
        return SP_VALUE_INT;
    case SQLITE_FLOAT:
        return SP_VALUE_REAL;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
        return SP_VALUE_TEXT;
    default:
        return SP_VALUE_NULL;
    }
}

long long sp_rows_int(const sp_rows *rows, int col)
{
    return sqlite3_column_int64(rows->s, col);
}

double sp_rows_real(const sp_rows *rows, int col)
{
    return sqlite3_column_double(rows->s, col);
}

const char *sp_rows_text(const sp_rows *rows, int col)
{
    return (const char *)sqlite3_column_text(rows->s, col);
}
