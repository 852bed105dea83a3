/* u64map.h - an open-addressing hash map from 64-bit keys to 32-bit values,
 * for per-run lookups whose size follows what is in flight (e.g. the single
 * flight of a (node, key) pair).  The caller owns the map (u64map_free). */
#ifndef STAMPEDE_U64MAP_H
#define STAMPEDE_U64MAP_H

#include <stdint.h>
#include <stddef.h>

typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;     /* 0 marks an empty slot: values must be non-zero */
    size_t n, cap;
} u64map;

/* The value for key, or 0 when absent. */
uint32_t u64map_get(const u64map *m, uint64_t key);
/* Sets key to val (val != 0); returns 0 or -1 on no memory. */
int u64map_put(u64map *m, uint64_t key, uint32_t val);
/* Removes key if present. */
void u64map_del(u64map *m, uint64_t key);
void u64map_free(u64map *m);

#endif
