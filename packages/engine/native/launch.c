/*
 * launch: new user namespace, uid/gid maps written by the parent (newuidmap/newgidmap need the
 * shim's pid and an outside process), root inside, further namespaces, exec. See docs/shim-protocol.md.
 */
#include "modes.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

struct launch_opts {
	int sync_fd;
	int unshare_flags;
	int setsid;
	int pdeathsig;
	const char *join_userns;
	const char *join_netns;
	char **argv;
};

static int sync_fd = -1;

/* Failures after the sync fd is known go there as "E<errno> <step>: <strerror>\n". */
static __attribute__((noreturn, format(printf, 3, 4))) void fail(int code, int errnum, const char *fmt, ...)
{
	char step[512];
	char line[700];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(step, sizeof step, fmt, ap);
	va_end(ap);
	n = snprintf(line, sizeof line, "E%d %s: %s\n", errnum, step, strerror(errnum));
	if (n < 0 || (size_t)n >= sizeof line)
		n = (int)strlen(line);
	if (write_all(sync_fd, line, (size_t)n) < 0)
		(void)write_all(2, line, (size_t)n);
	_exit(code);
}

static int namespace_flag(const char *name)
{
	if (!strcmp(name, "mnt"))
		return CLONE_NEWNS;
	if (!strcmp(name, "net"))
		return CLONE_NEWNET;
	if (!strcmp(name, "uts"))
		return CLONE_NEWUTS;
	if (!strcmp(name, "ipc"))
		return CLONE_NEWIPC;
	if (!strcmp(name, "cgroup"))
		return CLONE_NEWCGROUP;
	die(125, "--unshare: unknown namespace \"%s\" (known: mnt, net, uts, ipc, cgroup)", name);
}

static int parse_namespaces(const char *list)
{
	char buf[256];
	char *save = NULL;
	int flags = 0;

	if (strlen(list) >= sizeof buf)
		die(125, "--unshare: list too long");
	strcpy(buf, list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		flags |= namespace_flag(tok);
	return flags;
}

static void parse(int argc, char **argv, struct launch_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->sync_fd = -1;
	for (i = 0; next_flag(argc, argv, &i); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--sync-fd")) {
			o->sync_fd = parse_fd(a, flag_value(argc, argv, &i));
		} else if (!strcmp(a, "--unshare")) {
			o->unshare_flags = parse_namespaces(flag_value(argc, argv, &i));
		} else if (!strcmp(a, "--setsid")) {
			o->setsid = 1;
		} else if (!strcmp(a, "--join-userns")) {
			o->join_userns = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--join-netns")) {
			o->join_netns = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--pdeathsig")) {
			o->pdeathsig = parse_signal(a, flag_value(argc, argv, &i));
		} else {
			unknown_flag(a);
		}
	}
	if (o->sync_fd < 0)
		die(125, "--sync-fd is required");
	if (o->join_netns && (o->unshare_flags & CLONE_NEWNET))
		die(125, "--join-netns and --unshare net exclude each other");
	o->argv = command_after_flags(argc, argv, i);
}

static int open_ns(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail(125, errno, "open %s", path);
	return fd;
}

/* A new user namespace whose maps the parent writes (R/G on the sync fd). */
static void new_userns(void)
{
	char answer;
	ssize_t n;

	if (unshare(CLONE_NEWUSER) < 0)
		fail(125, errno, "unshare(CLONE_NEWUSER)");
	if (write_all(sync_fd, "R", 1) < 0)
		_exit(125);
	do
		n = read(sync_fd, &answer, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || answer != 'G')
		_exit(125); /* the parent failed to write the maps and says why */
}

int launch_main(int argc, char **argv)
{
	struct launch_opts o;
	int userns_fd = -1, netns_fd = -1;

	parse(argc, argv, &o);
	sync_fd = o.sync_fd;
	set_cloexec(sync_fd, 1);

	if (o.pdeathsig && prctl(PR_SET_PDEATHSIG, o.pdeathsig, 0, 0, 0) < 0)
		fail(125, errno, "prctl(PR_SET_PDEATHSIG)");
	/* Both are opened before the user namespace changes (the paths are the host's /proc). */
	if (o.join_userns)
		userns_fd = open_ns(o.join_userns);
	if (o.join_netns)
		netns_fd = open_ns(o.join_netns);
	if (userns_fd >= 0) {
		if (setns(userns_fd, CLONE_NEWUSER) < 0)
			fail(125, errno, "setns(%s)", o.join_userns);
		close(userns_fd);
	} else {
		new_userns();
	}

	if (setresgid(0, 0, 0) < 0)
		fail(125, errno, "setresgid(0)");
	if (setresuid(0, 0, 0) < 0)
		fail(125, errno, "setresuid(0)");
	if (netns_fd >= 0) {
		if (setns(netns_fd, CLONE_NEWNET) < 0)
			fail(125, errno, "setns(%s)", o.join_netns);
		close(netns_fd);
	}
	if (o.unshare_flags && unshare(o.unshare_flags) < 0)
		fail(125, errno, "unshare(--unshare)");
	/* Already a session leader (spawned detached) is what --setsid asks for. */
	if (o.setsid && getsid(0) != getpid() && setsid() < 0)
		fail(125, errno, "setsid");
	/* A credential change may reset the parent-death signal: set it again. */
	if (o.pdeathsig && prctl(PR_SET_PDEATHSIG, o.pdeathsig, 0, 0, 0) < 0)
		fail(125, errno, "prctl(PR_SET_PDEATHSIG)");

	exec_search(o.argv, environ, getenv("PATH"));
	fail(errno == ENOENT ? 127 : 126, errno, "exec %s", o.argv[0]);
}
