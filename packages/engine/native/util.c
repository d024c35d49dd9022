#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *shim_mode = "main";
int err_fd = -1;

static __attribute__((noreturn)) void report(int code, const char *fmt, va_list ap, int errnum)
{
	char msg[1024];
	char line[1200];
	int n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err_fd >= 0)
		n = errnum ? snprintf(line, sizeof line, "%d %s: %s\n", code, msg, strerror(errnum))
			   : snprintf(line, sizeof line, "%d %s\n", code, msg);
	else
		n = errnum ? snprintf(line, sizeof line, "tsctr-shim: %s: %s: %s\n", shim_mode, msg, strerror(errnum))
			   : snprintf(line, sizeof line, "tsctr-shim: %s: %s\n", shim_mode, msg);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	(void)write_all(err_fd >= 0 ? err_fd : 2, line, (size_t)n);
	_exit(code);
}

void die_errno(int code, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	report(code, fmt, ap, errnum ? errnum : EINVAL);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(code, fmt, ap, 0);
}

long long parse_ll(const char *flag, const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		die(125, "%s: not a number: \"%s\"", flag, s);
	return v;
}

int parse_fd(const char *flag, const char *s)
{
	long long v = parse_ll(flag, s);

	if (v < 0 || v > INT_MAX)
		die(125, "%s: not a file descriptor: \"%s\"", flag, s);
	return (int)v;
}

uint64_t parse_hex(const char *flag, const char *s)
{
	char *end;
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || end == s || *end)
		die(125, "%s: not a hexadecimal number: \"%s\"", flag, s);
	return (uint64_t)v;
}

int parse_signal(const char *flag, const char *s)
{
	long long v = parse_ll(flag, s);

	if (v < 1 || v >= NSIG)
		die(125, "%s: not a signal number: \"%s\"", flag, s);
	return (int)v;
}

const char *flag_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		die(125, "%s needs a value", argv[*i]);
	*i += 1;
	return argv[*i];
}

int next_flag(int argc, char **argv, int *i)
{
	if (*i >= argc)
		return 0;
	if (!strcmp(argv[*i], "--")) {
		*i += 1;
		return 0;
	}
	return 1;
}

void unknown_flag(const char *flag)
{
	die(125, "unknown flag \"%s\"", flag);
}

char **command_after_flags(int argc, char **argv, int i)
{
	if (i >= argc)
		die(125, "missing \"-- COMMAND...\"");
	return &argv[i];
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void set_cloexec(int fd, int on)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0)
		die_errno(125, "fcntl(%d, F_GETFD)", fd);
	flags = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
	if (fcntl(fd, F_SETFD, flags) < 0)
		die_errno(125, "fcntl(%d, F_SETFD)", fd);
}

void exec_search(char *const argv[], char *const envp[], const char *path)
{
	const char *file = argv[0];
	const char *p;
	int failure = ENOENT;

	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return;
	}
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		char candidate[4096];
		struct stat st;
		int n = end == p ? snprintf(candidate, sizeof candidate, "%s", file)
				 : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)(end - p), p, file);

		if (n > 0 && (size_t)n < sizeof candidate) {
			execve(candidate, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
				return; /* exists but broken (ENOEXEC, E2BIG, ...): report that */
			if (errno == EACCES && stat(candidate, &st) == 0 && S_ISREG(st.st_mode))
				failure = EACCES;
		}
		if (!*end)
			break;
		p = end;
	}
	errno = failure;
}
