/* registry.h - every strategy the scenario format knows, by name
 * (strategies.c lists them; model/strategy.h is what each one fills). */
#ifndef STAMPEDE_REGISTRY_H
#define STAMPEDE_REGISTRY_H

#include "model/strategy.h"

/* The registry: NULL when no strategy has that name. */
const strategy_ops *strategy_find(const char *name);
/* All registered strategies, NULL-terminated. */
extern const strategy_ops *const strategy_registry[];

#endif
