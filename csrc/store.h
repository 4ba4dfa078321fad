/* Private helpers of the store (csrc/store*.c). Not part of the API. */
#ifndef SP_STORE_H
#define SP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct sqlite3;
struct sqlite3_stmt;

struct sp_store {
    struct sqlite3 *db;
    char *path;
    int readonly;
    int write_delay_us;
    long long saves; /* pools saved through this connection (data_version only sees others') */
    int batch;       /* an import batch is open (sp_store_import_begin) */
};

/* Whose inputs a table holds (bits of table_def.input in store.c): the hash of a run covers
 * the input tables of its scope only. */
enum { SP_SCOPE_PLAN = 1, SP_SCOPE_REDEPLOY = 2, SP_SCOPE_ECONOMICS = 4, SP_SCOPE_ROTA = 8 };

/* What a read notes so that the write of its result can tell whether the inputs changed in
 * between (sps_inputs_changed): the time, the hash of the inputs it read, PRAGMA data_version
 * (other connections' commits) and st->saves (this one's). */
typedef struct sps_read_mark {
    char hash[65];
    char started_at[40];
    long long data_version, saves;
} sps_read_mark;

/* Opens the read transaction of a run and fills mark for scope (SP_SCOPE_*); the transaction
 * stays open for the caller's reads (end it with COMMIT), and is rolled back on error. */
int sps_read_begin(sps_read_mark *mark, sp_store *st, int scope, sp_error *err);

/* Helpers of store.c shared with store_redeploy.c (see store.c for each). */
int sps_db_fail(const sp_store *st, sp_error *err, int rc, const char *what);
int sps_in_row(sp_error *err, int rc, const char *table, long long rowid);
int sps_exec(sp_store *st, const char *sql, sp_error *err);
int sps_prep(sp_store *st, const char *sql, struct sqlite3_stmt **s, sp_error *err);
void sps_rollback(sp_store *st);
/* An input save's transaction: BEGIN IMMEDIATE .. references checked, COMMIT; inside an import
 * batch a savepoint instead, the references checked when the batch ends (the batch's later
 * saves may still replace what a reference points to). On error: sps_input_undo. */
int sps_input_begin(sp_store *st, sp_error *err);
int sps_input_end(sp_store *st, sp_error *err);
void sps_input_undo(sp_store *st);
int sps_step_done(sp_store *st, struct sqlite3_stmt *s, sp_error *err, const char *what);
void sps_bind_text(struct sqlite3_stmt *s, int i, const char *v);
void sps_bind_real(struct sqlite3_stmt *s, int i, double v);
/* The one integer a query (or PRAGMA) returns in its first row and column. */
int sps_select_int(sp_store *st, const char *sql, long long *out, sp_error *err);
int sps_hash_inputs(sp_store *st, int scope, char hex[65], sp_error *err);
int sps_read_now(sp_store *st, char *out, size_t size, sp_error *err);
/* first_period < 0 or periods <= 0: stored as NULL. */
int sps_insert_run(long long *run_id, sp_store *st, const char *started_at, const char *hash,
                   int first_period, int periods, const char *command, const char *status,
                   const char *stopped_by, double gap, double seconds, const char *message,
                   sp_error *err);
/* PRAGMA foreign_key_check inside a write transaction: SP_EINVAL naming the first table and row
 * that refers to a missing record. */
int sps_fk_check(sp_store *st, sp_error *err);
/* In the write transaction: have the inputs of scope (SP_SCOPE_*) changed since mark was taken?
 * data_version tells whether any other connection committed since (and saves whether this one
 * saved); only then are the inputs hashed again. */
int sps_inputs_changed(int *changed, sp_store *st, int scope, const sps_read_mark *mark,
                       sp_error *err);

/* ---- generic rows into a feature's tables (store_rows.c) ---- */
typedef struct sps_table_def {
    const char *table;
    size_t columns; /* values per row given by the caller (result tables: without run_id) */
    const char *sql;
} sps_table_def;
/* Every table given is one of defs, given once, with the right number of values per row. */
int sps_check_tables(const sps_table_def *defs, size_t n_defs, const sp_table_rows *tables,
                     size_t n, sp_error *err);
/* Inserts the rows of tables in the order of defs; run_id > 0 is bound as ?1 before the values.
 * A constraint failure is bad input (SP_EINVAL) naming the table and row (1-based). */
int sps_insert_rows(sp_store *st, const sps_table_def *defs, size_t n_defs,
                    const sp_table_rows *tables, size_t n, long long run_id, sp_error *err);

/* SHA-256 (FIPS 180-4), used for the input hash of runs. */
typedef struct sp_sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes fed so far */
    unsigned char block[64];
    size_t used;
} sp_sha256;

void sp_sha256_init(sp_sha256 *c);
void sp_sha256_update(sp_sha256 *c, const void *data, size_t n);
/* Writes 64 hex digits and a NUL into hex. */
void sp_sha256_hex(sp_sha256 *c, char hex[65]);

#endif
