#include "signals.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

void reset_signal_dispositions(void)
{
	/* All zeros is SIG_DFL, no flags, empty mask in the kernel's struct on x86_64 and aarch64. */
	unsigned long kernel_sigaction[4] = { 0 };

	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, sig, kernel_sigaction, NULL, 8);
}

void block_forwarded_signals(sigset_t *set)
{
	sigfillset(set);
	/* Faults are delivered to the thread that caused them; tini leaves TTIN/TTOU alone too. */
	sigdelset(set, SIGFPE);
	sigdelset(set, SIGILL);
	sigdelset(set, SIGSEGV);
	sigdelset(set, SIGBUS);
	sigdelset(set, SIGABRT);
	sigdelset(set, SIGTRAP);
	sigdelset(set, SIGSYS);
	sigdelset(set, SIGTTIN);
	sigdelset(set, SIGTTOU);
	if (sigprocmask(SIG_SETMASK, set, NULL) < 0)
		die_errno(125, "sigprocmask");
}

int forward_until_exit(const sigset_t *set, pid_t pid, int reap_all)
{
	for (;;) {
		siginfo_t info;
		int sig = sigwaitinfo(set, &info);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			die_errno(125, "sigwaitinfo");
		}
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		for (;;) {
			int status;
			pid_t done = waitpid(reap_all ? -1 : pid, &status, WNOHANG);
			if (done < 0 && errno == EINTR)
				continue;
			if (done < 0 && errno == ECHILD && !reap_all)
				die_errno(125, "waitpid(%d)", pid);
			if (done <= 0)
				break;
			if (done == pid)
				return status;
		}
	}
}

int describe_status(int status, char *line, size_t size)
{
	if (WIFSIGNALED(status)) {
		snprintf(line, size, "signal %d\n", WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	snprintf(line, size, "exit %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}
