/*
 * confscan.h: a light pass over a config file's text before libconfuse
 * sees it, for what libconfuse gets wrong: it accepts a missing final `}`,
 * it does not say where a section starts, and 3.3 counts each comment line
 * twice. Internal to conf/.
 */
#ifndef MOND_CONFSCAN_H
#define MOND_CONFSCAN_H

#include <stddef.h>
#include <sys/stat.h>

/* No config file is larger; a bigger one is refused (EFBIG). */
#define CONFSCAN_MAXLEN	(16u << 20)

struct confscan {
	char	*text;		/* the file, comments blanked, newlines kept */
	struct stat st;		/* fstat of the file read (owner, mode) */
	size_t	 len;
	int	*stanza_lines;	/* line of each top-level `log` stanza, in order */
	size_t	 nstanzas, capstanzas;
	int	 include_line;	/* line of a top-level include_dir, or 0 */
	int	 nerrors;
	int	 unterminated;	/* a string runs to the end of the file */	/* problems printed as "mond: FILE:LINE: ..." */
};

/*
 * Reads PATH into CS (with fs_read_file: a regular file, not through a
 * symlink) and scans it, printing each unclosed `{` and unterminated
 * string. Returns 0 (even with such errors, counted in CS->nerrors), or
 * -1 with errno when the file cannot be read.
 */
int	confscan_file(const char *path, struct confscan *cs);
void	confscan_free(struct confscan *cs);

#endif
