/*
 * test_attack_status.c: what the status pages say about file systems is
 * the kernel's, never a path a user chose. A user whose directory holds a
 * stanza's log makes that log's directory a symlink into a tree too deep
 * for realpath(3); a label taken from the path (as mond once did, and
 * then opened as root on the loop thread every second) would be hers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

TestSuite(attack_status, .init = tu_mond_init, .fini = tu_fini,
    .timeout = 120);

/*
 * DEPTH directories of 250-character names under the directory DIRFD,
 * each UID's; the last one's descriptor, and in *REL its path from DIRFD
 * (malloc'd). By descriptors: the whole path is past PATH_MAX.
 */
static int
deep_tree(int dirfd, int depth, uid_t uid, gid_t gid, char **rel)
{
	char name[251];
	int i, fd = dup(dirfd), next;
	size_t n = 0;

	memset(name, 'd', 250);
	name[250] = '\0';
	cr_assert_not_null(*rel = calloc((size_t)depth, 251));
	for (i = 0; i < depth; i++) {
		cr_assert_eq(mkdirat(fd, name, 0755), 0, "%s", strerror(errno));
		cr_assert_neq(next = openat(fd, name, O_DIRECTORY | O_CLOEXEC),
		    -1);
		cr_assert_eq(fchown(next, uid, gid), 0);
		close(fd);
		fd = next;
		n += (size_t)sprintf(*rel + n, "%s%s", i > 0 ? "/" : "", name);
	}
	return fd;
}

/* Whether PATH is a mount point in /proc/self/mountinfo (unescaped). */
static bool
is_mount_point(const char *path)
{
	char *line = NULL, mnt[PATH_MAX];
	size_t cap = 0;
	bool found = false;
	FILE *fp = fopen("/proc/self/mountinfo", "r");

	cr_assert_not_null(fp);
	while (!found && getline(&line, &cap, fp) != -1)
		found = sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
		    strcmp(mnt, path) == 0;
	free(line);
	fclose(fp);
	return found;
}

Test(attack_status, a_users_path_never_names_a_file_system)
{
	char *home = tu_path(tu_dir, "alice"), *deep, *mid, *link, *log;
	char *stanza, *json, *p, *end, label[PATH_MAX];
	uid_t alice;
	gid_t alice_g;
	int shown = 0, hfd, mfd;

	tu_need_root("a real user's directory");
	alice = tu_user_add("mt_st_a", &alice_g);
	cr_assert_eq(chmod(tu_dir, 0711), 0);
	cr_assert_eq(mkdir(home, 0755), 0);
	cr_assert_eq(chown(home, alice, alice_g), 0);
	/* two symlinks, each under PATH_MAX, into 20 levels of 250 bytes */
	cr_assert_neq(hfd = open(home, O_DIRECTORY | O_CLOEXEC), -1);
	mfd = deep_tree(hfd, 10, alice, alice_g, &mid);
	close(deep_tree(mfd, 10, alice, alice_g, &deep));
	cr_assert_eq(symlinkat(deep, mfd, "s2"), 0);
	cr_assert_eq(symlinkat(mid, hfd, "s1"), 0);
	cr_assert_eq(symlinkat("s1/s2", hfd, "logs"), 0);
	close(mfd);
	close(hfd);
	link = tu_path(home, "logs");
	log = tu_path(link, "a.log");
	/* the kernel follows each link; realpath cannot hold the result */
	tu_write_file(log, "x\n");
	cr_assert_eq(chown(log, alice, alice_g), 0);
	cr_assert_null(realpath(link, label), "realpath resolved it");
	cr_assert(asprintf(&stanza, "log \"%s\" {\n size = 1k\n rotate = 1\n"
	    "}\n", log) != -1);
	tu_mond_conf(stanza, NULL);
	tu_mond_start(NULL);
	usleep(1500000);
	json = tu_unix_http(tu_sock, "GET /status.json HTTP/1.0\r\n\r\n",
	    5000);
	cr_assert_not_null(json);
	for (p = strstr(json, "\"filesystems\""); p != NULL &&
	    (p = strstr(p, "{\"path\":\"")) != NULL; p = end) {
		p += strlen("{\"path\":\"");
		cr_assert_not_null(end = strchr(p, '"'));
		snprintf(label, sizeof(label), "%.*s", (int)(end - p), p);
		cr_assert(strncmp(label, home, strlen(home)) != 0,
		    "her path names a file system: %s", label);
		cr_assert(is_mount_point(label), "%s is no mount point", label);
		shown++;
	}
	cr_assert_gt(shown, 0, "no file system shown:\n%s", json);
	free(json);
	free(stanza);
	free(log);
	free(link);
	free(deep);
	free(mid);
	free(home);
}
