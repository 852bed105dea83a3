/* palette.c - a label's line type from its name (palette.h): the strategy's
 * own for a label named after it, else a hashed one of the rest. */
#include "palette.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Fixed here, not taken from the registry, so that a strategy added or
 * reordered there never recolours the others. */
static const char *const kinds[PALETTE_NKINDS] = { "none", "lock", "coalesce", "xfetch", "swr", "lease",
                                                   "refresh_ahead" };

static int kind_of(const char *label)
{
    for (int k = 0; k < PALETTE_NKINDS; k++)
        if (!strcmp(kinds[k], label)) return k + 1;
    return 0;
}

/* FNV-1a: the same label, the same slot, on every machine. */
static int slot_of(const char *label)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)label; *p; p++) h = (h ^ *p) * 16777619u;
    return PALETTE_NKINDS + 1 + (int)(h % (PALETTE_NSTYLES - PALETTE_NKINDS));
}

int palette_style(const char *const *labels, size_t n, size_t i)
{
    int k = kind_of(labels[i]);
    if (k) return k;
    /* The labels without a strategy's name take their slots in the order of
     * their names, each its hashed slot or the next free one (when all are
     * taken, its hashed slot again). */
    bool used[PALETTE_NSTYLES + 1] = { false };
    const char *prev = NULL;
    for (;;) {
        const char *next = NULL;   /* the smallest name after prev */
        for (size_t j = 0; j < n; j++)
            if (!kind_of(labels[j]) && (!prev || strcmp(labels[j], prev) > 0) && (!next || strcmp(labels[j], next) < 0))
                next = labels[j];
        if (!next) return slot_of(labels[i]);   /* not reached: labels[i] is among them */
        int s = slot_of(next);
        for (int tries = 0; used[s] && tries < PALETTE_NSTYLES - PALETTE_NKINDS; tries++)
            s = s == PALETTE_NSTYLES ? PALETTE_NKINDS + 1 : s + 1;
        used[s] = true;
        if (!strcmp(next, labels[i])) return s;
        prev = next;
    }
}
