/*
 * exec: a new process in a running container. Joins the PID, cgroup and mount namespaces of the
 * container's PID 1 (the caller, the engine, already is in its user, net, UTS and IPC namespaces),
 * forks so that the child is inside the PID namespace, applies the policy and execs; the parent
 * forwards signals and ends like the child. See docs/shim-protocol.md.
 */
#include "modes.h"
#include "policy.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct exec_opts {
	long long pid;
	struct policy policy;
	char **argv;
};

static void parse(int argc, char **argv, struct exec_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->pid = -1;
	policy_init(&o->policy, argc);
	for (i = 0; next_flag(argc, argv, &i); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--pid")) {
			o->pid = parse_ll(a, flag_value(argc, argv, &i));
			if (o->pid <= 0)
				die(125, "--pid: not a process id");
		} else if (!strcmp(a, "--error-fd")) {
			err_fd = parse_fd(a, flag_value(argc, argv, &i));
		} else if (!policy_parse_flag(&o->policy, argc, argv, &i)) {
			unknown_flag(a);
		}
	}
	if (o->pid < 0 || err_fd < 0)
		die(125, "--pid and --error-fd are required");
	o->argv = command_after_flags(argc, argv, i);
}

static int open_ns(long long pid, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/proc/%lld/ns/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno(125, "open %s", path);
	return fd;
}

static void join(int fd, int type, const char *name)
{
	if (setns(fd, type) < 0)
		die_errno(125, "setns(%s)", name);
	close(fd);
}

/* Ends the way the child ended: same exit code, or death by the same signal. */
static __attribute__((noreturn)) void end_like(int status)
{
	if (WIFSIGNALED(status)) {
		struct rlimit no_core = { 0, 0 };
		sigset_t sig;
		int n = WTERMSIG(status);

		setrlimit(RLIMIT_CORE, &no_core);
		signal(n, SIG_DFL);
		sigemptyset(&sig);
		sigaddset(&sig, n);
		sigprocmask(SIG_UNBLOCK, &sig, NULL);
		kill(getpid(), n);
		_exit(128 + n);
	}
	_exit(WEXITSTATUS(status));
}

int exec_main(int argc, char **argv)
{
	struct exec_opts o;
	sigset_t forwarded;
	int pid_ns, cgroup_ns, mnt_ns;
	pid_t child;

	parse(argc, argv, &o);
	set_cloexec(err_fd, 1);
	/* Open all three first: /proc changes meaning once the mount namespace is joined. */
	pid_ns = open_ns(o.pid, "pid");
	cgroup_ns = open_ns(o.pid, "cgroup");
	mnt_ns = open_ns(o.pid, "mnt");
	/* Move into the container's cgroup while its cgroup namespace root is still reachable. */
	if (o.policy.cgroup_fd >= 0) {
		policy_join_cgroup(o.policy.cgroup_fd);
		close(o.policy.cgroup_fd);
		o.policy.cgroup_fd = -1;
	}
	join(pid_ns, CLONE_NEWPID, "pid");
	join(cgroup_ns, CLONE_NEWCGROUP, "cgroup");
	join(mnt_ns, CLONE_NEWNS, "mnt");
	if (chdir("/") < 0)
		die_errno(125, "chdir /");

	block_forwarded_signals(&forwarded);
	child = fork();
	if (child < 0)
		die_errno(125, "fork");
	if (child == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			die_errno(125, "prctl(PR_SET_PDEATHSIG)");
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
			die_errno(125, "prctl(PR_SET_DUMPABLE)");
		policy_exec(&o.policy, o.argv);
	}
	close(err_fd);
	err_fd = -1;
	if (o.policy.seccomp_fd >= 0)
		close(o.policy.seccomp_fd);
	end_like(forward_until_exit(&forwarded, child, 0));
}
