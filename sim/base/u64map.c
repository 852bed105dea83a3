/* u64map.c - linear probing with backward-shift deletion, so there are no
 * tombstones and lookups stay short however many keys come and go.
 * Invariant: load factor <= 1/2; an empty slot has vals[i] == 0. */
#include "u64map.h"

#include <stdlib.h>

static inline size_t slot_of(uint64_t k, size_t mask)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return (size_t)k & mask;
}

uint32_t u64map_get(const u64map *m, uint64_t key)
{
    if (!m->cap) return 0;
    size_t mask = m->cap - 1;
    for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
        if (!m->vals[i]) return 0;
        if (m->keys[i] == key) return m->vals[i];
    }
}

static int grow(u64map *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    uint64_t *nk = malloc(ncap * sizeof *nk);
    uint32_t *nv = calloc(ncap, sizeof *nv);
    if (!nk || !nv) { free(nk); free(nv); return -1; }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->vals[i]) continue;
        size_t j = slot_of(m->keys[i], ncap - 1);
        while (nv[j]) j = (j + 1) & (ncap - 1);
        nk[j] = m->keys[i];
        nv[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = nk;
    m->vals = nv;
    m->cap = ncap;
    return 0;
}

int u64map_put(u64map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap && grow(m)) return -1;
    size_t mask = m->cap - 1, i = slot_of(key, mask);
    while (m->vals[i] && m->keys[i] != key) i = (i + 1) & mask;
    if (!m->vals[i]) m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
    return 0;
}

void u64map_del(u64map *m, uint64_t key)
{
    if (!m->cap) return;
    size_t mask = m->cap - 1, i = slot_of(key, mask);
    while (m->keys[i] != key || !m->vals[i]) {
        if (!m->vals[i]) return;
        i = (i + 1) & mask;
    }
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
        size_t home = slot_of(m->keys[j], mask);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->vals[hole] = 0;
    m->n--;
}

void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->n = m->cap = 0;
}
