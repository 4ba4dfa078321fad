/* String -> index map with open addressing (FNV-1a), plus small allocation helpers. Ids are
 * looked up for every record added, so lookups must not be linear in the pool size. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char *sp_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy)
        memcpy(copy, s, n);
    return copy;
}

int sp_grow(void *ptr_to_array, size_t *capacity, size_t need, size_t elem_size)
{
    void **array = ptr_to_array;
    if (need <= *capacity)
        return SP_OK;
    size_t cap = *capacity ? *capacity : 8;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return SP_ERANGE;
        cap *= 2;
    }
    if (cap > SIZE_MAX / elem_size)
        return SP_ERANGE;
    void *grown = realloc(*array, cap * elem_size);
    if (!grown)
        return SP_ENOMEM;
    *array = grown;
    *capacity = cap;
    return SP_OK;
}

static uint64_t hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static size_t slot_of(const sp_idmap *map, const char *key)
{
    size_t mask = map->capacity - 1;
    size_t i = (size_t)hash(key) & mask;
    while (map->keys[i] && strcmp(map->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

int sp_idmap_get(const sp_idmap *map, const char *key)
{
    if (!map->capacity || !key)
        return -1;
    size_t i = slot_of(map, key);
    return map->keys[i] ? map->values[i] : -1;
}

static int rehash(sp_idmap *map, size_t capacity)
{
    sp_idmap bigger = {calloc(capacity, sizeof(char *)), calloc(capacity, sizeof(int)), capacity,
                       map->count};
    if (!bigger.keys || !bigger.values) {
        free(bigger.keys);
        free(bigger.values);
        return SP_ENOMEM;
    }
    for (size_t i = 0; i < map->capacity; i++) {
        if (map->keys[i]) {
            size_t j = slot_of(&bigger, map->keys[i]);
            bigger.keys[j] = map->keys[i];
            bigger.values[j] = map->values[i];
        }
    }
    free(map->keys);
    free(map->values);
    *map = bigger;
    return SP_OK;
}

int sp_idmap_put(sp_idmap *map, const char *key, int value)
{
    if ((map->count + 1) * 2 > map->capacity) {
        int rc = rehash(map, map->capacity ? map->capacity * 2 : 16);
        if (rc)
            return rc;
    }
    size_t i = slot_of(map, key);
    if (map->keys[i])
        return SP_EINVAL;
    map->keys[i] = sp_strdup(key);
    if (!map->keys[i])
        return SP_ENOMEM;
    map->values[i] = value;
    map->count++;
    return SP_OK;
}

void sp_idmap_free(sp_idmap *map)
{
    for (size_t i = 0; i < map->capacity; i++)
        free(map->keys[i]);
    free(map->keys);
    free(map->values);
    memset(map, 0, sizeof *map);
}
