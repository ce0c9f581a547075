/*
 * strmap.h: a string-keyed open-addressing hash table mapping to size_t,
 * for the sets a pass or the state file keeps by path (10,000 logs must
 * cost no more than a string compare or two each). Keys are copied.
 */
#ifndef MOND_STRMAP_H
#define MOND_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap {
	char	**keys;
	size_t	 *vals;
	size_t	  cap, n;
};

/* A zeroed struct strmap is an empty table. */

/*
 * The value slot of KEY, inserting KEY with VAL when absent (*FOUND tells
 * which). The slot stays valid until the next insertion. NULL on ENOMEM.
 */
size_t	*strmap_upsert(struct strmap *m, const char *key, size_t val,
	    bool *found);

/* The value slot of KEY, or NULL when absent. */
size_t	*strmap_find(const struct strmap *m, const char *key);

/* Frees the keys and the table; the map is empty again afterwards. */
void	 strmap_free(struct strmap *m);

#endif
