/* Helpers shared by every mode: failure reporting and argv parsing. */
#ifndef TSCTR_UTIL_H
#define TSCTR_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Name of the running mode, used as the prefix of every failure line. */
extern const char *shim_mode;

/*
 * Where failures go and how they are formatted. With err_fd < 0 a failure is written to stderr as
 * "tsctr-shim: <mode>: <message>"; otherwise (init, exec) as "<code> <message>" on err_fd.
 */
extern int err_fd;

/* Reports "<what>: <strerror(errno)>" and exits with code. */
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int code, const char *fmt, ...);
/* Reports "<what>" and exits with code. */
__attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...);

/* Strict parsers: the whole string must be a number in range, else die(125). */
int parse_fd(const char *flag, const char *s);
long long parse_ll(const char *flag, const char *s);
uint64_t parse_hex(const char *flag, const char *s);
int parse_signal(const char *flag, const char *s);

/* Returns the value of "--flag VALUE" at argv[*i] and advances *i, or dies when it is missing. */
const char *flag_value(int argc, char **argv, int *i);

/*
 * The argv of every mode is "FLAG... -- COMMAND...", walked as
 *	for (i = 0; next_flag(argc, argv, &i); i++)
 *		if (!strcmp(argv[i], "--x")) ... else unknown_flag(argv[i]);
 *	command = command_after_flags(argc, argv, i);
 * next_flag is false at "--" (then *i is the first word after it) and at the end of argv.
 */
int next_flag(int argc, char **argv, int *i);
__attribute__((noreturn)) void unknown_flag(const char *flag);
/* &argv[i], or dies when the command after "--" is missing. */
char **command_after_flags(int argc, char **argv, int i);

/* Writes all of buf, retrying on EINTR and short writes. Returns 0 or -1 with errno set. */
int write_all(int fd, const void *buf, size_t len);

/* Sets or clears FD_CLOEXEC; dies on failure. */
void set_cloexec(int fd, int on);



/*
 * execve(argv[0]) searched in path (colon-separated; NULL: a default PATH) like execvpe, except that
 * it fails with ENOENT unless a candidate exists as a regular file, so "not found" (127) and "not
 * executable" (126) are told apart even when some PATH directory is unreadable. Returns only on
 * failure, with errno set.
 */
void exec_search(char *const argv[], char *const envp[], const char *path);
#endif
