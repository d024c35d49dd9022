/*
 * launch: new user namespace, uid/gid maps written by newuidmap/newgidmap (which must run outside
 * it: the shim forks them before it unshares), root inside, further namespaces, exec.
 * See docs/shim-protocol.md.
 */
#include "modes.h"
#include "policy.h"
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
#include <sys/wait.h>
#include <unistd.h>

struct launch_opts {
	int sync_fd;
	int unshare_flags;
	int setsid;
	int pdeathsig;
	const char *join_userns;
	const char *join_netns;
	const char *uid_tool, *uid_map, *gid_tool, *gid_map;
	int exec_unmapped;
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
		} else if (!strcmp(a, "--newuidmap")) {
			o->uid_tool = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--uid-map")) {
			o->uid_map = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--newgidmap")) {
			o->gid_tool = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--gid-map")) {
			o->gid_map = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--exec-unmapped")) {
			o->exec_unmapped = 1;
		} else if (!strcmp(a, "--pdeathsig")) {
			o->pdeathsig = parse_signal(a, flag_value(argc, argv, &i));
		} else {
			unknown_flag(a);
		}
	}
	if (o->sync_fd < 0)
		die(125, "--sync-fd is required");
	if (!o->join_userns && !(o->uid_tool && o->uid_map && o->gid_tool && o->gid_map))
		die(125, "--newuidmap, --uid-map, --newgidmap and --gid-map are required without --join-userns");
	if (o->join_userns && (o->uid_tool || o->uid_map || o->gid_tool || o->gid_map || o->exec_unmapped))
		die(125, "--join-userns takes no maps (the joined namespace has them)");
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

/* "TOOL PID C H N [C H N...]" from a map given as "C H N [C H N...]" (single spaces). */
static char **mapper_argv(const char *tool, pid_t target, const char *map)
{
	size_t words = 1;
	char **argv;
	char *copy, *save = NULL;
	static char pid_text[24];
	size_t n = 0;

	for (const char *c = map; *c; c++)
		words += *c == ' ';
	argv = calloc(words + 3, sizeof *argv);
	copy = strdup(map);
	if (!argv || !copy)
		fail(125, ENOMEM, "map for %s", tool);
	snprintf(pid_text, sizeof pid_text, "%d", (int)target);
	argv[n++] = (char *)tool;
	argv[n++] = pid_text;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	return argv;
}

/* Closes every descriptor above 2 except a and b. */
static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/* Writes the mapper's failure, "M<status> <tool>: <output>", on the sync fd. */
static void report_mapper_failure(const char *tool, int code, const char *output)
{
	char line[800];
	int len = snprintf(line, sizeof line, "M%d %s: %s\n", code, tool, output);

	if (len < 0 || (size_t)len >= sizeof line)
		len = (int)strlen(line);
	if (write_all(sync_fd, line, (size_t)len) < 0)
		(void)write_all(2, line, (size_t)len);
}

/*
 * A mapper process: waits for a byte on go[0] (EOF: the shim failed before its unshare), runs
 * TOOL (argv) with its output collected, and reports a failure on the sync fd. Exits 0 or 1.
 */
static __attribute__((noreturn)) void run_mapper(char **argv, const int go[2])
{
	char output[600];
	size_t used = 0;
	int out[2], status, code;
	char go_byte;
	ssize_t n;
	pid_t pid;

	close(go[1]);
	/* It may outlive the exec of PROG: it keeps only the go pipe and the sync fd (to report on). */
	close_all_but(go[0], sync_fd);
	do
		n = read(go[0], &go_byte, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(1);
	if (pipe2(out, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		report_mapper_failure(argv[0], 125, strerror(errno));
		_exit(1);
	}
	if (pid == 0) {
		if (dup2(out[1], 1) < 0 || dup2(out[1], 2) < 0)
			_exit(125);
		/* The tool gets stdin and the output pipe only, none of the fds meant for PROG. */
		close_range(3, ~0U, 0);
		execv(argv[0], argv);
		dprintf(2, "exec %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	for (;;) {
		char chunk[256];
		n = read(out[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n && used < sizeof output - 1; k++)
			output[used++] = chunk[k] == '\n' ? ' ' : chunk[k];
	}
	output[used] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		_exit(0);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	report_mapper_failure(argv[0], code, output);
	_exit(1);
}

static pid_t fork_mapper(const char *tool, const char *map, pid_t target, const int go[2])
{
	char **argv = mapper_argv(tool, target, map);
	pid_t pid = fork();

	if (pid < 0)
		fail(125, errno, "fork");
	if (pid == 0)
		run_mapper(argv, go);
	return pid;
}

/*
 * A new user namespace, mapped by newuidmap/newgidmap run from mapper processes forked while still
 * outside it. Without exec_unmapped it waits for both (a failed one has said why: exit 125). With
 * it the mappers are grandchildren (nothing is left for PROG to reap) that finish on their own.
 */
static void new_userns(const struct launch_opts *o)
{
	pid_t self = getpid(), uid_mapper = -1, gid_mapper = -1;
	int go[2], status, failed = 0;

	if (pipe2(go, O_CLOEXEC) < 0)
		fail(125, errno, "pipe2");
	if (o->exec_unmapped) {
		pid_t middle = fork();

		if (middle < 0)
			fail(125, errno, "fork");
		if (middle == 0) {
			fork_mapper(o->uid_tool, o->uid_map, self, go);
			fork_mapper(o->gid_tool, o->gid_map, self, go);
			_exit(0);
		}
		while (waitpid(middle, &status, 0) < 0)
			if (errno != EINTR)
				fail(125, errno, "waitpid");
	} else {
		uid_mapper = fork_mapper(o->uid_tool, o->uid_map, self, go);
		gid_mapper = fork_mapper(o->gid_tool, o->gid_map, self, go);
	}
	close(go[0]);
	if (unshare(CLONE_NEWUSER) < 0)
		fail(125, errno, "unshare(CLONE_NEWUSER)"); /* the mappers see EOF and exit */
	if (write_all(go[1], "GG", 2) < 0)
		fail(125, errno, "write(go pipe)");
	close(go[1]);
	if (o->exec_unmapped)
		return;
	/* Both are waited for: a mapper still running when the shim exits would fail on a dead target. */
	for (int k = 0; k < 2; k++) {
		pid_t pid = k == 0 ? uid_mapper : gid_mapper;

		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				fail(125, errno, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	}
	if (failed)
		_exit(125);
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
		new_userns(&o);
	}

	/* --exec-unmapped: the ids become 0 once the mappers are done; until then setres*id(0) fail. */
	if (!o.exec_unmapped && setresgid(0, 0, 0) < 0)
		fail(125, errno, "setresgid(0)");
	if (!o.exec_unmapped && setresuid(0, 0, 0) < 0)
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

	if (o.exec_unmapped)
		policy_keep_capabilities_across_exec();
	exec_search(o.argv, environ, getenv("PATH"));
	fail(errno == ENOENT ? 127 : 126, errno, "exec %s", o.argv[0]);
}
