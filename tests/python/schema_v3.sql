-- The staffpool schema at PRAGMA user_version 3 (before the rota tables), dumped from a database
-- created by MIGRATION_V1..V3 of csrc/store.c at commit 064034e. Frozen: used by
-- tests/python/test_store_rota.py to build a genuine version-3 database.
CREATE TABLE settings (
  key TEXT PRIMARY KEY NOT NULL,
  value ANY NOT NULL
) STRICT;
CREATE TABLE periods (
  period INTEGER PRIMARY KEY CHECK (period >= 0),
  label TEXT UNIQUE
) STRICT;
CREATE TABLE partners (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  population REAL NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE sites (
  id TEXT PRIMARY KEY NOT NULL,
  partner TEXT NOT NULL REFERENCES partners(id),
  name TEXT,
  lat REAL NOT NULL,
  lon REAL NOT NULL
) STRICT;
CREATE TABLE travel_minutes (
  from_site TEXT NOT NULL REFERENCES sites(id),
  to_site TEXT NOT NULL REFERENCES sites(id),
  minutes REAL NOT NULL,
  PRIMARY KEY (from_site, to_site)
) STRICT;
CREATE TABLE skills (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT
) STRICT;
CREATE TABLE staff (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  partner TEXT NOT NULL REFERENCES partners(id),
  site TEXT NOT NULL REFERENCES sites(id),
  contracted_hours REAL NOT NULL,
  cost_per_hour REAL NOT NULL,
  max_travel_minutes REAL,
  max_partners INTEGER
) STRICT;
CREATE TABLE staff_skills (
  staff TEXT NOT NULL REFERENCES staff(id),
  skill TEXT NOT NULL REFERENCES skills(id),
  level INTEGER NOT NULL,
  PRIMARY KEY (staff, skill)
) STRICT;
CREATE TABLE authorisations (
  staff TEXT NOT NULL REFERENCES staff(id),
  partner TEXT NOT NULL REFERENCES partners(id),
  PRIMARY KEY (staff, partner)
) STRICT;
CREATE TABLE availability (
  staff TEXT NOT NULL REFERENCES staff(id),
  period INTEGER NOT NULL REFERENCES periods(period),
  hours REAL NOT NULL,
  PRIMARY KEY (staff, period)
) STRICT;
CREATE TABLE demand (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL REFERENCES partners(id),
  site TEXT REFERENCES sites(id),
  skill TEXT NOT NULL REFERENCES skills(id),
  period INTEGER NOT NULL REFERENCES periods(period),
  hours REAL NOT NULL,
  min_level INTEGER NOT NULL DEFAULT 1,
  priority TEXT NOT NULL DEFAULT 'core',
  local_only INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE resilience (
  partner TEXT NOT NULL REFERENCES partners(id),
  skill TEXT NOT NULL REFERENCES skills(id),
  min_people INTEGER NOT NULL DEFAULT 0,
  max_share REAL NOT NULL DEFAULT 1,
  PRIMARY KEY (partner, skill)
) STRICT;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  command TEXT NOT NULL,
  input_hash TEXT,
  first_period INTEGER,
  periods INTEGER,
  status TEXT NOT NULL,
  stopped_by TEXT,
  gap REAL,
  seconds REAL,
  library_version TEXT NOT NULL,
  message TEXT
) STRICT;
CREATE TABLE plans (
  id INTEGER PRIMARY KEY REFERENCES runs(id),
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  stopped_by TEXT,
  gap REAL NOT NULL,
  seconds REAL NOT NULL,
  first_period INTEGER NOT NULL,
  periods INTEGER NOT NULL,
  model_columns INTEGER NOT NULL,
  model_rows INTEGER NOT NULL,
  model_binaries INTEGER NOT NULL,
  assignments INTEGER NOT NULL,
  unmet_records INTEGER NOT NULL
) STRICT;
CREATE TABLE plan_objective (
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  term TEXT NOT NULL,
  value REAL NOT NULL,
  bound REAL NOT NULL,
  gap REAL NOT NULL,
  PRIMARY KEY (plan_id, term)
) STRICT;
CREATE TABLE plan_assignments (
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  staff TEXT NOT NULL,
  partner TEXT NOT NULL,
  skill TEXT NOT NULL,
  site TEXT NOT NULL,
  period INTEGER NOT NULL,
  period_label TEXT,
  demand_id INTEGER NOT NULL,
  hours REAL NOT NULL,
  travel_hours REAL NOT NULL,
  cost REAL NOT NULL
) STRICT;
CREATE INDEX plan_assignments_plan ON plan_assignments(plan_id);
CREATE TABLE plan_unmet (
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  partner TEXT NOT NULL,
  skill TEXT NOT NULL,
  site TEXT NOT NULL,
  period INTEGER NOT NULL,
  period_label TEXT,
  demand_id INTEGER NOT NULL,
  priority TEXT NOT NULL,
  hours_demanded REAL NOT NULL,
  hours_unmet REAL NOT NULL,
  reason TEXT NOT NULL,
  explanation TEXT NOT NULL
) STRICT;
CREATE INDEX plan_unmet_plan ON plan_unmet(plan_id);
CREATE TABLE plan_partners (
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  partner TEXT NOT NULL,
  hours_demanded REAL NOT NULL,
  hours_received REAL NOT NULL,
  hours_unmet REAL NOT NULL,
  unmet_statutory REAL NOT NULL,
  unmet_core REAL NOT NULL,
  unmet_discretionary REAL NOT NULL,
  unmet_fraction REAL NOT NULL,
  cost REAL NOT NULL,
  PRIMARY KEY (plan_id, partner)
) STRICT;
CREATE TABLE plan_resilience (
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  partner TEXT NOT NULL,
  skill TEXT NOT NULL,
  hours_demanded REAL NOT NULL,
  hours_received REAL NOT NULL,
  distinct_people INTEGER NOT NULL,
  largest_share REAL NOT NULL,
  largest_staff TEXT,
  min_people INTEGER NOT NULL,
  max_share REAL NOT NULL,
  people_short INTEGER NOT NULL,
  share_excess_hours REAL NOT NULL,
  PRIMARY KEY (plan_id, partner, skill)
) STRICT;
CREATE TABLE current_plan (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  plan_id INTEGER NOT NULL REFERENCES plans(id),
  since TEXT NOT NULL
) STRICT;
CREATE TABLE redeployments (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  periods INTEGER NOT NULL,
  period_labels TEXT,
  grades TEXT,
  grades_down INTEGER,
  grades_up INTEGER,
  period_weeks REAL,
  training_limit_weeks REAL,
  trial_weeks REAL,
  protection_periods INTEGER,
  redundancy_cost REAL,
  relocation_cost REAL,
  travel_speed_kmh REAL,
  excess_travel_cost REAL,
  excess_travel_periods INTEGER,
  waiting_cost_share REAL
) STRICT;
CREATE TABLE redeploy_people (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  partner TEXT NOT NULL REFERENCES partners(id) DEFERRABLE INITIALLY DEFERRED,
  post TEXT,
  site TEXT NOT NULL REFERENCES sites(id) DEFERRABLE INITIALLY DEFERRED,
  grade ANY NOT NULL,
  pay REAL NOT NULL,
  hours REAL NOT NULL,
  home_site TEXT REFERENCES sites(id) DEFERRABLE INITIALLY DEFERRED,
  home_lat REAL,
  home_lon REAL,
  max_travel_minutes REAL,
  relocate INTEGER NOT NULL DEFAULT 0 CHECK (relocate IN (0, 1)),
  post_ends INTEGER NOT NULL DEFAULT 0,
  redundancy_cost REAL
) STRICT;
CREATE TABLE redeploy_person_skills (
  person TEXT NOT NULL REFERENCES redeploy_people(id) DEFERRABLE INITIALLY DEFERRED,
  skill TEXT NOT NULL REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  level INTEGER NOT NULL,
  PRIMARY KEY (person, skill)
) STRICT;
CREATE TABLE redeploy_preferences (
  person TEXT NOT NULL REFERENCES redeploy_people(id) DEFERRABLE INITIALLY DEFERRED,
  rank INTEGER NOT NULL,
  partner TEXT NOT NULL REFERENCES partners(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (person, rank)
) STRICT;
CREATE TABLE redeploy_vacancies (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT,
  partner TEXT NOT NULL REFERENCES partners(id) DEFERRABLE INITIALLY DEFERRED,
  site TEXT REFERENCES sites(id) DEFERRABLE INITIALLY DEFERRED,
  skill TEXT NOT NULL REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  min_level INTEGER NOT NULL DEFAULT 1,
  grade ANY NOT NULL,
  pay REAL NOT NULL,
  hours REAL NOT NULL,
  start INTEGER NOT NULL DEFAULT 0,
  natural_wastage INTEGER NOT NULL DEFAULT 0 CHECK (natural_wastage IN (0, 1))
) STRICT;
CREATE TABLE redeploy_leaving_rates (
  id TEXT PRIMARY KEY NOT NULL,
  partner TEXT NOT NULL REFERENCES partners(id) DEFERRABLE INITIALLY DEFERRED,
  site TEXT REFERENCES sites(id) DEFERRABLE INITIALLY DEFERRED,
  skill TEXT NOT NULL REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  min_level INTEGER NOT NULL DEFAULT 1,
  grade ANY NOT NULL,
  pay REAL NOT NULL,
  hours REAL NOT NULL,
  headcount REAL NOT NULL,
  annual_rate REAL NOT NULL
) STRICT;
CREATE TABLE redeploy_routes (
  from_skill TEXT NOT NULL REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  from_level INTEGER NOT NULL,
  to_skill TEXT NOT NULL REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  to_level INTEGER NOT NULL,
  weeks REAL NOT NULL,
  cost REAL NOT NULL,
  PRIMARY KEY (from_skill, from_level, to_skill, to_level)
) STRICT;
CREATE TABLE redeploy_results (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id),
  redeployment TEXT NOT NULL,
  name TEXT,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  stopped_by TEXT,
  gap REAL,
  seconds REAL NOT NULL,
  model_columns INTEGER NOT NULL,
  model_rows INTEGER NOT NULL,
  model_pairs INTEGER NOT NULL,
  people INTEGER NOT NULL,
  redeployed INTEGER NOT NULL,
  redundant INTEGER NOT NULL,
  relocations INTEGER NOT NULL,
  retrained INTEGER NOT NULL,
  protected_pay INTEGER NOT NULL,
  waiting INTEGER NOT NULL,
  vacancies INTEGER NOT NULL,
  expected_vacancies INTEGER NOT NULL,
  filled INTEGER NOT NULL,
  training_cost REAL NOT NULL,
  protection_cost REAL NOT NULL,
  travel_cost REAL NOT NULL,
  relocation_cost REAL NOT NULL,
  waiting_cost REAL NOT NULL,
  cost_of_avoiding REAL NOT NULL,
  redundancy_cost_avoided REAL NOT NULL,
  redundancy_cost_incurred REAL NOT NULL,
  net_cost REAL NOT NULL,
  pool_hours REAL NOT NULL,
  misfit REAL NOT NULL
) STRICT;
CREATE TABLE redeploy_objective (
  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),
  term TEXT NOT NULL,
  value REAL,
  bound REAL,
  gap REAL,
  PRIMARY KEY (run_id, term)
) STRICT;
CREATE TABLE redeploy_outcomes (
  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),
  person TEXT NOT NULL,
  name TEXT,
  partner TEXT NOT NULL,
  post TEXT,
  grade ANY,
  outcome TEXT NOT NULL,
  vacancy TEXT,
  vacancy_partner TEXT,
  vacancy_site TEXT,
  vacancy_kind TEXT,
  start ANY,
  new_grade ANY,
  grade_change INTEGER NOT NULL,
  route TEXT,
  training_weeks REAL,
  training_cost REAL,
  protection_cost REAL,
  travel_minutes REAL,
  travel_cost REAL,
  relocated INTEGER NOT NULL,
  relocation_cost REAL,
  waiting_periods INTEGER NOT NULL,
  pool_hours REAL,
  waiting_cost REAL,
  cost REAL,
  redundancy_cost REAL,
  misfit REAL,
  reason TEXT NOT NULL,
  explanation TEXT NOT NULL,
  suitable_posts INTEGER NOT NULL,
  detail TEXT NOT NULL
) STRICT;
CREATE INDEX redeploy_outcomes_run ON redeploy_outcomes(run_id);
CREATE TABLE redeploy_fills (
  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),
  vacancy TEXT NOT NULL,
  partner TEXT NOT NULL,
  site TEXT NOT NULL,
  skill TEXT NOT NULL,
  min_level INTEGER NOT NULL,
  grade ANY,
  start ANY,
  kind TEXT NOT NULL,
  person TEXT,
  candidates INTEGER NOT NULL
) STRICT;
CREATE INDEX redeploy_fills_run ON redeploy_fills(run_id);
CREATE TABLE redeploy_pool_work (
  run_id INTEGER NOT NULL REFERENCES redeploy_results(run_id),
  person TEXT NOT NULL,
  partner TEXT NOT NULL,
  period ANY NOT NULL,
  hours REAL NOT NULL
) STRICT;
CREATE INDEX redeploy_pool_work_run ON redeploy_pool_work(run_id);
CREATE TABLE agreements (
  name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
  skills TEXT NOT NULL DEFAULT 'all' CHECK (skills <> ''),
  rule TEXT NOT NULL DEFAULT 'usage'
    CHECK (rule IN ('population', 'equal', 'usage', 'weights', 'fixed_variable')),
  fixed_share REAL NOT NULL DEFAULT 0 CHECK (fixed_share BETWEEN 0 AND 1),
  fixed_rule TEXT NOT NULL DEFAULT 'population'
    CHECK (fixed_rule IN ('population', 'equal', 'weights')),
  tolerance REAL NOT NULL DEFAULT 0 CHECK (tolerance BETWEEN 0 AND 1),
  total_cost REAL CHECK (total_cost IS NULL OR total_cost >= 0),
  members TEXT NOT NULL DEFAULT 'listed' CHECK (members IN ('listed', 'all')),
  CHECK (rule = 'fixed_variable' OR fixed_share = 0)
) STRICT;
CREATE TABLE agreement_partners (
  agreement TEXT NOT NULL REFERENCES agreements(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  partner TEXT NOT NULL REFERENCES partners(id) DEFERRABLE INITIALLY DEFERRED,
  weight REAL CHECK (weight IS NULL OR weight >= 0),
  agreed_share REAL CHECK (agreed_share IS NULL OR agreed_share >= 0),
  PRIMARY KEY (agreement, partner)
) STRICT;
CREATE TABLE agreement_skills (
  agreement TEXT NOT NULL REFERENCES agreements(name) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  skill TEXT NOT NULL UNIQUE REFERENCES skills(id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (agreement, skill)
) STRICT;
