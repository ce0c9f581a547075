/*
 * strmap.c: the path tables of pass.c and state.c. Linear probing over a
 * power-of-two table kept under half full; FNV-1a for the hash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * The slot of KEY, inserting it with VAL when absent (*FOUND false).
 * NULL on ENOMEM.
 */
size_t *
strmap_upsert(struct strmap *m, const char *key, size_t val, bool *found)
{
	size_t i, j, ncap;
	char **nk;
	size_t *nv;

	if (m->n * 2 >= m->cap) {
		ncap = m->cap ? m->cap * 2 : 64;
		if ((nk = calloc(ncap, sizeof(*nk))) == NULL ||
		    (nv = calloc(ncap, sizeof(*nv))) == NULL) {
			free(nk);
			return NULL;
		}
		for (i = 0; i < m->cap; i++) {
			if (m->keys[i] == NULL)
				continue;
			for (j = hash(m->keys[i]) & (ncap - 1); nk[j] != NULL;
			    j = (j + 1) & (ncap - 1))
				;
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = ncap;
	}
	for (i = hash(key) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0) {
			*found = true;
			return &m->vals[i];
		}
	if ((m->keys[i] = strdup(key)) == NULL)
		return NULL;
	m->vals[i] = val;
	m->n++;
	*found = false;
	return &m->vals[i];
}

/* The value slot of KEY, or NULL when absent. */
size_t *
strmap_find(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], key) == 0)
			return &m->vals[i];
	return NULL;
}

void
strmap_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
