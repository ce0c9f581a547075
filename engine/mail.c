/*
 * mail.c: logrotate's mailLog. The file is opened here (O_NOFOLLOW, a
 * regular file, one link unless allowhardlink) and handed to the mail
 * command's stdin, through a decompressor when asked; both children are
 * waited for, within the bound every child of a rotation has. It must
 * never splice a name or subject into shell text: every word is an argv.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/decompress.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "engine/mail.h"
#include "util/spawn.h"

#define UNZ_BUFSZ	65536

struct unz {
	int	in, out;
	int	other;		/* the pipe's read end, closed in the child */
};

/*
 * In a child: IN decompressed onto OUT, strictly as gunzip or unzstd
 * would: empty input, or input that is neither, fails. Returns the exit
 * status.
 */
static int
gunzip_to(void *arg)
{
	static char buf[UNZ_BUFSZ];
	const struct unz *u = arg;
	struct decompress *d;
	struct stat st;
	ssize_t n;

	/* Else the mail's early exit could never stop it (SIGPIPE). */
	close(u->other);
	if (fstat(u->in, &st) == -1 || st.st_size == 0 ||
	    (d = decompress_open(u->in)) == NULL)
		return 1;
	while ((n = decompress_read(d, buf, sizeof(buf))) > 0) {
		if (decompress_direct(d))
			return 1;	/* neither: gunzip would refuse it */
		if (fs_write_all(u->out, buf, (size_t)n) == -1)
			return 1;
	}
	return n < 0 ? 1 : 0;
}

/* The decompressor of FD into PIPE's write end. Returns its pid, or -1. */
static pid_t
start_unz(const struct mail_how *how, int fd, const int pipe[2],
    struct unz *u)
{
	char *argv[] = { (char *)how->uncompresscmd, NULL };
	struct spawn sp = { .ids = SPAWN_EFFECTIVE_IDS };

	if (how->uncompresscmd != NULL) {
		sp.file = how->uncompresscmd;
		sp.argv = argv;
		sp.fd[0] = fd;
		sp.fd[1] = pipe[1];
		sp.fd[2] = SPAWN_KEEP;
	} else {
		u->in = fd;
		u->out = pipe[1];
		u->other = pipe[0];
		sp.fn = gunzip_to;
		sp.arg = u;
		sp.fd[0] = sp.fd[1] = sp.fd[2] = SPAWN_KEEP;
	}
	return spawn_start(&sp);
}

static pid_t
start_mail(const struct mail_how *how, int input)
{
	const char *cmd = how->command != NULL ? how->command :
	    MAIL_DEFAULT_COMMAND;
	char *argv[] = { (char *)cmd, "-s", (char *)how->subject,
	    (char *)how->address, NULL };
	struct spawn sp = { .file = cmd, .argv = argv, .ids = SPAWN_REAL_IDS,
	    .fd = { input, SPAWN_CLOSED, SPAWN_KEEP } };

	return spawn_start(&sp);
}

int
mail_send(int dirfd, const char *name, const char *path,
    const struct mail_how *how, char *why, size_t whylen)
{
	struct unz u;
	struct stat st;
	int fd, input, p[2] = { -1, -1 }, mst, ust = 0, rc = -1;
	pid_t mpid, upid = -1;

	if ((fd = fs_open_log(dirfd, name, O_RDONLY, &st)) == -1) {
		snprintf(why, whylen, "failed to open %s for mailing: %s", path,
		    strerror(errno));
		return -1;
	}
	if (st.st_nlink != 1 && !how->allowhardlink) {
		snprintf(why, whylen, "failed to open %s for mailing: %s", path,
		    strerror(ENOTSUP));
		close(fd);
		return -1;
	}
	input = fd;
	if (how->uncompress) {
		if (pipe2(p, O_CLOEXEC) == -1 ||
		    (upid = start_unz(how, fd, p, &u)) == -1) {
			snprintf(why, whylen, "%s: uncompress for mailing: %s",
			    path, strerror(errno));
			goto done;
		}
		close(p[1]);
		p[1] = -1;
		input = p[0];
	}
	if ((mpid = start_mail(how, input)) == -1) {
		snprintf(why, whylen, "%s: mail command: %s", path,
		    strerror(errno));
		goto done;
	}
	/* Only the children hold the file and the pipe from here on. */
	if (p[0] != -1)
		close(p[0]);
	p[0] = -1;
	close(fd);
	fd = -1;
	mst = spawn_wait(mpid, how->deadline, how->cancel);
	if (upid != -1) {
		ust = spawn_wait(upid, how->deadline, how->cancel);
		upid = -1;
	}
	if (mst != 0)
		snprintf(why, whylen, "mail command failed for %s", path);
	else if (ust != 0)
		snprintf(why, whylen, "uncompress command failed mailing %s",
		    path);
	else
		rc = 0;
	if (mst != 0 && ust != 0)
		log_warnx("uncompress command failed mailing %s", path);
done:
	if (upid != -1)
		(void)spawn_wait(upid, 0, NULL);	/* no mail: it goes */
	if (p[0] != -1)
		close(p[0]);
	if (p[1] != -1)
		close(p[1]);
	if (fd != -1)
		close(fd);
	return rc;
}
