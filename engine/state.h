/*
 * state.h: the state file, in logrotate's format so either tool can read
 * the other's: a "logrotate state -- version 2" line, then one
 * `"PATH" YYYY-M-D-h:m:s` line (local time) per log, with '"' and '\' in
 * PATH escaped by a backslash and newline written as "\n". A separate lock
 * file keeps two mond processes off the same logs.
 */
#ifndef MOND_STATE_H
#define MOND_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Where Debian's logrotate keeps its state: taken over by mond (mond(8)). */
#define STATE_LOGROTATE	"/var/lib/logrotate/status"

struct state;
struct pass_report;

/* An empty state. NULL only on ENOMEM. */
struct state	*state_new(void);

/*
 * Reads PATH, a chunk at a time: any size is read, in memory that follows
 * the entries. A missing file is an empty state. A line that can't be
 * parsed (or a bad first line) is skipped with logrotate's warning
 * "bad line N in state file PATH" through log_warnx, and the other lines
 * kept (state_bad_lines counts the bad ones); so is a line longer than
 * any entry can be (16 KiB). Returns NULL (errno) only when PATH exists
 * but can't be read, or on ENOMEM.
 */
struct state	*state_load(const char *path);
void		 state_free(struct state *st);
/*
 * state_load(PATH), or, when PATH does not exist yet and ADOPT (may be
 * NULL) does, ADOPT's entries: mond taking over from logrotate starts from
 * logrotate's state, saved to PATH from then on. Says so with log_info.
 */
struct state	*state_load_adopting(const char *path, const char *adopt);

/* Last rotation of LOGPATH into *WHEN: 0, or -1 with ENOENT when unknown. */
int		 state_get(const struct state *st, const char *logpath,
		    time_t *when);
/*
 * Records WHEN for LOGPATH (added or replaced). 0, or -1 on ENOMEM. Only
 * a new entry or another time changes ST (see state_save).
 */
int		 state_set(struct state *st, const char *logpath, time_t when);
/*
 * Marks LOGPATH's entry (if any) as belonging to a log seen in this run,
 * as state_set() does for the entries it sets.
 */
void		 state_mark_used(struct state *st, const char *logpath);
/*
 * logrotate's command line: drops the entries not marked in this run
 * whose time is more than MAXAGE seconds before NOW (logrotate drops those
 * a year old): a log that is gone leaves the file in time. Returns how
 * many went, or -1 (ENOMEM; ST as it was).
 */
long		 state_prune_unused(struct state *st, time_t now, time_t maxage);
/* Unmarks every entry: a pass over the whole config marks afresh. */
void		 state_clear_marks(struct state *st);
/*
 * mond's own rule, after a pass over the whole config that was not cut
 * short, started after state_clear_marks(): keeps the entries of the
 * logs that pass saw (state_mark_used, state_set) or named in REP (a
 * log named by the config but missing, or that failed, keeps its time)
 * and drops the others, whatever their age: a log that no rule matches
 * any more, or that a pattern no longer finds, leaves the state at once,
 * so the file never holds more than the logs there are. Returns how many
 * went, or -1 (ENOMEM; ST as it was, still marked).
 */
long		 state_prune_unseen(struct state *st,
		    const struct pass_report *rep);
/*
 * Marks, of the entries not marked yet, those KEEP says to keep (it gets
 * the path, its time and ARG): a pass keeps the schedule of a log that is
 * briefly absent (pass.c).
 */
void		 state_keep_unseen(struct state *st, bool (*keep)(
		    const char *path, time_t when, void *arg), void *arg);
/* How many lines state_load() skipped as unreadable. */
size_t		 state_bad_lines(const struct state *st);
/* Entries, in first-insertion order (load order, then new ones). */
size_t		 state_count(const struct state *st);

/*
 * Writes ST to PATH atomically: a temporary "." NAME ".mond-tmp" in the
 * same directory (O_EXCL|O_NOFOLLOW, mode 0640), written, fsynced, renamed
 * over PATH, directory fsynced. On failure PATH keeps its old contents and
 * the temporary is removed. Writes nothing when nothing changed since ST
 * was read from PATH or last written there, and PATH is still that file
 * (same inode, size and mtime): a pass that changed nothing costs no
 * write. A new state, a missing file, or one with a bad header, bad lines
 * or a path twice is written at the first save. Returns 0, or -1 with
 * errno (message logged); a failed save is tried again at the next.
 */
int		 state_save(struct state *st, const char *path);
/* Makes the next state_save() write (logrotate's always writes its state). */
void		 state_mark_dirty(struct state *st);

/*
 * Takes the lock for the state at STATEPATH: the file STATEPATH ".lock",
 * opened O_NOFOLLOW and flock()ed. Its directory must be owned by root or
 * by us and writable by nobody else (no world write, no group write unless
 * the group is root), so that no unprivileged user can create or hold the
 * lock (CVE-2022-1348); otherwise -1 with EPERM. With TIMEOUT_MS 0 it does
 * not wait; otherwise it retries until the timeout. Held by another process
 * (or another open of it): -1 with EWOULDBLOCK, which the CLI turns into
 * exit 3. Returns the lock fd; closing it (state_unlock) releases the lock.
 */
int		 state_lock(const char *statepath, int timeout_ms);
void		 state_unlock(int fd);
/*
 * state_lock(STATEPATH, 0), saying why on failure (another mond holds it,
 * an insecure directory, or strerror) with log_warnx. Returns the lock fd,
 * or -1 with errno kept (EWOULDBLOCK: the caller's exit 3).
 */
int		 state_lock_or_say(const char *statepath);

#endif
