/*
 * compress_ext.c: a rule's compresscmd, run exactly as logrotate runs it:
 * argv the command then compressoptions, execvp, stdin the source, stdout
 * the output, LOGROTATE_COMPRESSED_FILENAME in its environment, under `su`
 * the stanza's ids for good. What it writes to stderr is logged after
 * logrotate's line. It only runs the program: compress.c owns the files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/compress_int.h"
#include "util/log.h"
#include "util/spawn.h"

#define ENV_NAME	"LOGROTATE_COMPRESSED_FILENAME"
#define ERR_MAX		8192	/* stderr kept for the log; the rest read and dropped */

extern char **environ;

/* argv: CMD, then OPTIONS. NULL on ENOMEM. */
static char **
make_argv(const struct compress_how *how)
{
	size_t n = 0, i;
	char **argv;

	while (how->options != NULL && how->options[n] != NULL)
		n++;
	if ((argv = calloc(n + 2, sizeof(*argv))) == NULL)
		return NULL;
	argv[0] = (char *)how->cmd;
	for (i = 0; i < n; i++)
		argv[i + 1] = how->options[i];
	return argv;
}

/*
 * The environment with ENV_NAME=PATH in place of any it had; built before
 * the fork, so the child allocates nothing. *VAR is the one string made.
 */
static char **
make_envp(const char *path, char **var)
{
	size_t n = 0, i, j = 0, nlen = strlen(ENV_NAME);
	char **envp;

	if (asprintf(var, "%s=%s", ENV_NAME, path) == -1)
		return NULL;
	while (environ != NULL && environ[n] != NULL)
		n++;
	if ((envp = calloc(n + 2, sizeof(*envp))) == NULL) {
		free(*var);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], ENV_NAME, nlen) != 0 ||
		    environ[i][nlen] != '=')
			envp[j++] = environ[i];
	envp[j] = *var;
	return envp;
}

/* The program's stderr, one log line per line of it, after logrotate's. */
static void
say_stderr(const char *path, char *text)
{
	char *line, *save = NULL;

	log_warnx("Compressing program wrote following message to stderr "
	    "when compressing log %s:", path);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		log_warnx("%s", line);
}

int
compress_ext_run(int in, int out, const struct compress_how *how, int *status)
{
	struct spawn sp = { .file = how->cmd, .ids = SPAWN_EFFECTIVE_IDS };
	char **argv = NULL, **envp = NULL, *var = NULL, *text = NULL;
	int errp[2] = { -1, -1 }, rc = -1, save, st;
	size_t len = 0;
	pid_t pid;

	*status = -1;
	if (lseek(in, 0, SEEK_SET) == -1 || (argv = make_argv(how)) == NULL ||
	    (envp = make_envp(how->path, &var)) == NULL ||
	    (text = malloc(ERR_MAX)) == NULL || pipe2(errp, O_CLOEXEC) == -1)
		goto done;
	sp.argv = argv;
	sp.envp = envp;
	sp.fd[0] = in;
	sp.fd[1] = out;
	sp.fd[2] = errp[1];
	if ((pid = spawn_start(&sp)) == -1)
		goto done;
	close(errp[1]);
	errp[1] = -1;
	if (spawn_collect(errp[0], text, ERR_MAX, &len, how->deadline,
	    how->cancel) == -1) {
		/* Out of time: spawn_wait kills it, with this errno. */
		save = errno;
		(void)spawn_wait(pid, 0, NULL);
		errno = save;
		goto done;
	}
	st = spawn_wait(pid, how->deadline, how->cancel);
	if (len > 0)
		say_stderr(how->path, text);
	if (st == -1)
		goto done;
	if (st != 0) {
		*status = st;
		errno = ECHILD;
		goto done;
	}
	rc = 0;
done:
	save = errno;
	if (errp[0] != -1)
		close(errp[0]);
	if (errp[1] != -1)
		close(errp[1]);
	free(text);
	free(var);
	free(envp);
	free(argv);
	errno = save;
	return rc;
}
