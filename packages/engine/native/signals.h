/* Signal forwarding shared by the relay, the tiny init and exec's parent. */
#ifndef TSCTR_SIGNALS_H
#define TSCTR_SIGNALS_H

#include <signal.h>
#include <sys/types.h>

/*
 * Sets every signal's disposition to the default, through the raw system call: glibc's posix_spawn
 * (the engine's start of init) leaves its two internal signals ignored, and an ignored signal
 * stays ignored across execve.
 */
void reset_signal_dispositions(void);

/* Blocks every signal that is forwarded (all but the synchronous ones), so sigwaitinfo takes them. */
void block_forwarded_signals(sigset_t *set);

/*
 * Forwards every signal in set to pid until pid ends; reaps every other child too when
 * reap_all (PID 1). Returns pid's wait status.
 */
int forward_until_exit(const sigset_t *set, pid_t pid, int reap_all);

/* Writes "exit N\n" / "signal N\n" for a wait status; returns the matching exit code (N / 128+N). */
int describe_status(int status, char *line, size_t size);

#endif
