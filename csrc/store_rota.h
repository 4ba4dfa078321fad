/* Private to the store: what store.c needs to know of the rota tables (csrc/store_rota.c).
 * Not part of the API. */
#ifndef SP_STORE_ROTA_H
#define SP_STORE_ROTA_H

/* Scope bit of the rota's input tables in store.c's TABLES (beside SP_SCOPE_PLAN,
 * SP_SCOPE_REDEPLOY and SP_SCOPE_ECONOMICS of store.h): the input hash of a rota run covers
 * the tables carrying it. */
enum { SP_SCOPE_ROTA = 8 };

#endif
