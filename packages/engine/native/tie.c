/*
 * tie: runs PROG as a child whose life is bound to a file descriptor. When every writer of
 * --exit-fd has closed it (or writes to it), PROG gets --signal (default SIGTERM) and tie exits 0;
 * when PROG ends first, tie ends with its status. PROG also dies (SIGKILL) if tie is killed.
 * Used for helpers that have no exit fd of their own (pasta). See docs/shim-protocol.md.
 */
#include "modes.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

extern char **environ;

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}

static int reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die_errno(125, "waitpid");
	}
	return exit_status(status);
}

int tie_main(int argc, char **argv)
{
	int exit_fd = -1, sig = SIGTERM, i;
	char **command;
	pid_t parent = getpid(), child;
	int pidfd;

	for (i = 0; next_flag(argc, argv, &i); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--exit-fd")) {
			exit_fd = parse_fd(a, flag_value(argc, argv, &i));
		} else if (!strcmp(a, "--signal")) {
			sig = parse_signal(a, flag_value(argc, argv, &i));
		} else {
			unknown_flag(a);
		}
	}
	if (exit_fd < 0)
		die(125, "--exit-fd is required");
	command = command_after_flags(argc, argv, i);
	set_cloexec(exit_fd, 1);

	child = fork();
	if (child < 0)
		die_errno(125, "fork");
	if (child == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			die_errno(125, "prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)
			_exit(125);
		exec_search(command, environ, getenv("PATH"));
		die_errno(errno == ENOENT ? 127 : 126, "exec %s", command[0]);
	}
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0)
		die_errno(125, "pidfd_open");
	for (;;) {
		struct pollfd fds[2] = { { .fd = exit_fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_errno(125, "poll");
		}
		if (fds[1].revents)
			return reap(child);
		if (fds[0].revents) {
			kill(child, sig);
			reap(child);
			return 0;
		}
	}
}
