/* strategies.c - the registry: every strategy the scenario format knows, by name. */
#include <string.h>

#include "registry.h"

extern const strategy_ops strategy_none, strategy_lock, strategy_coalesce, strategy_xfetch, strategy_swr, strategy_lease,
    strategy_refresh_ahead;

const strategy_ops *const strategy_registry[] = {
    &strategy_none,
    &strategy_lock,
    &strategy_coalesce,
    &strategy_xfetch,
    &strategy_swr,
    &strategy_lease,
    &strategy_refresh_ahead,
    NULL,
};

const strategy_ops *strategy_find(const char *name)
{
    for (size_t i = 0; strategy_registry[i]; i++)
        if (strcmp(strategy_registry[i]->name, name) == 0)
            return strategy_registry[i];
    return NULL;
}
