#include "policy.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

void policy_init(struct policy *p, int max_env)
{
	memset(p, 0, sizeof *p);
	p->cgroup_fd = -1;
	p->seccomp_fd = -1;
	p->env = calloc((size_t)max_env + 1, sizeof *p->env);
	if (!p->env)
		die_errno(125, "calloc");
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS },	     { "core", RLIMIT_CORE },	      { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA },     { "fsize", RLIMIT_FSIZE },	      { "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },	      { "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },     { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

static rlim_t parse_rlim(const char *flag, const char *s)
{
	if (!strcmp(s, "unlimited") || !strcmp(s, "-1"))
		return RLIM_INFINITY;
	long long v = parse_ll(flag, s);
	if (v < 0)
		die(125, "%s: negative limit \"%s\"", flag, s);
	return (rlim_t)v;
}

/* RESOURCE=SOFT:HARD, RESOURCE as "nofile", "NOFILE" or "RLIMIT_NOFILE". */
static void parse_rlimit(struct policy *p, const char *flag, const char *spec)
{
	char name[32], soft[32], hard[32];
	const char *eq = strchr(spec, '='), *colon = eq ? strchr(eq, ':') : NULL;
	const char *n;
	size_t k;

	if (!eq || !colon || (size_t)(eq - spec) >= sizeof name || (size_t)(colon - eq - 1) >= sizeof soft ||
	    strlen(colon + 1) >= sizeof hard)
		die(125, "%s: expected RESOURCE=SOFT:HARD, got \"%s\"", flag, spec);
	if (p->n_rlimits == POLICY_MAX_RLIMITS)
		die(125, "%s: too many", flag);
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = 0;
	memcpy(soft, eq + 1, (size_t)(colon - eq - 1));
	soft[colon - eq - 1] = 0;
	strcpy(hard, colon + 1);
	n = strncasecmp(name, "RLIMIT_", 7) ? name : name + 7;
	for (k = 0; k < sizeof rlimit_names / sizeof rlimit_names[0]; k++)
		if (!strcasecmp(n, rlimit_names[k].name))
			break;
	if (k == sizeof rlimit_names / sizeof rlimit_names[0])
		die(125, "%s: unknown resource \"%s\"", flag, name);
	p->rlimits[p->n_rlimits].resource = rlimit_names[k].resource;
	p->rlimits[p->n_rlimits].limit.rlim_cur = parse_rlim(flag, soft);
	p->rlimits[p->n_rlimits].limit.rlim_max = parse_rlim(flag, hard);
	p->n_rlimits++;
}

static void parse_groups(struct policy *p, const char *flag, const char *list)
{
	const char *s = list;

	p->set_groups = 1;
	p->n_groups = 0;
	while (*s) {
		char buf[16];
		size_t len = strcspn(s, ",");
		if (len == 0 || len >= sizeof buf)
			die(125, "%s: bad list \"%s\"", flag, list);
		if (p->n_groups == POLICY_MAX_GROUPS)
			die(125, "%s: more than %d groups", flag, POLICY_MAX_GROUPS);
		memcpy(buf, s, len);
		buf[len] = 0;
		long long g = parse_ll(flag, buf);
		if (g < 0 || g > 0xfffffffeLL)
			die(125, "%s: bad group id \"%s\"", flag, buf);
		p->groups[p->n_groups++] = (gid_t)g;
		s += len;
		if (*s == ',')
			s++;
	}
}

static uint32_t parse_id(const char *flag, const char *s)
{
	long long v = parse_ll(flag, s);
	if (v < 0 || v > 0xfffffffeLL)
		die(125, "%s: bad id \"%s\"", flag, s);
	return (uint32_t)v;
}

int policy_parse_flag(struct policy *p, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (!strcmp(a, "--tty"))
		p->tty = 1;
	else if (!strcmp(a, "--cgroup-fd"))
		p->cgroup_fd = parse_fd(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--rlimit"))
		parse_rlimit(p, a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--groups"))
		parse_groups(p, a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--gid"))
		p->set_gid = 1, p->gid = parse_id(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--uid"))
		p->set_uid = 1, p->uid = parse_id(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cap-bounding"))
		p->has_bounding = 1, p->bounding = parse_hex(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cap-effective"))
		p->has_effective = 1, p->effective = parse_hex(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cap-permitted"))
		p->has_permitted = 1, p->permitted = parse_hex(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cap-inheritable"))
		p->has_inheritable = 1, p->inheritable = parse_hex(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cap-ambient"))
		p->has_ambient = 1, p->ambient = parse_hex(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--no-new-privs"))
		p->no_new_privs = 1;
	else if (!strcmp(a, "--seccomp-fd"))
		p->seccomp_fd = parse_fd(a, flag_value(argc, argv, i));
	else if (!strcmp(a, "--cwd"))
		p->cwd = flag_value(argc, argv, i);
	else if (!strcmp(a, "--env")) {
		const char *kv = flag_value(argc, argv, i);
		if (!strchr(kv, '='))
			die(125, "--env: expected K=V, got \"%s\"", kv);
		p->env[p->n_env++] = (char *)kv;
	} else if (!strcmp(a, "--keep-fds")) {
		long long n = parse_ll(a, flag_value(argc, argv, i));
		if (n < 0 || n > 65536)
			die(125, "--keep-fds: bad count");
		p->keep_fds = (int)n;
	} else
		return 0;
	return 1;
}

/*
 * --cgroup-fd is the cgroup's directory, or its cgroup.procs already opened for writing: the kernel
 * checks a migration against the credentials of whoever opened cgroup.procs (Linux >= 5.16), so a
 * container whose root is not the user can still join a cgroup only the user may write.
 */
void policy_join_cgroup(int dirfd)
{
	int fd = openat(dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOTDIR)
		fd = dup(dirfd);
	if (fd < 0)
		die_errno(125, "open cgroup.procs of --cgroup-fd");
	if (write_all(fd, "0", 1) < 0)
		die_errno(125, "join cgroup (write cgroup.procs)");
	close(fd);
}

/* ---- capabilities through raw syscalls (no libcap) ---- */

static void cap_get(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d) < 0)
		die_errno(125, "capget");
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

static void cap_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	if (syscall(SYS_capset, &hdr, d) < 0)
		die_errno(125, "capset(effective=%llx permitted=%llx inheritable=%llx)", (unsigned long long)eff,
			  (unsigned long long)perm, (unsigned long long)inh);
}

static int last_cap(void)
{
	int cap = 0;

	while (cap < 63 && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0)
		cap++;
	return cap;
}

static void drop_bounding(uint64_t keep)
{
	int last = last_cap();

	for (int cap = 0; cap <= last; cap++)
		if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			die_errno(125, "drop capability %d from the bounding set", cap);
}

static void raise_ambient(uint64_t set)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && set)
		die_errno(125, "clear ambient capabilities");
	for (int cap = 0; cap < 64; cap++)
		if ((set & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			die_errno(125, "raise ambient capability %d", cap);
}

void policy_keep_capabilities_across_exec(void)
{
	uint64_t eff, perm, inh;

	cap_get(&eff, &perm, &inh);
	cap_set(eff, perm, perm);
	raise_ambient(perm);
}

/* ---- seccomp ---- */

static void load_seccomp(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	struct sock_fprog prog;

	if (!buf)
		die_errno(125, "malloc");
	for (;;) {
		ssize_t n;
		if (len == cap && !(buf = realloc(buf, cap *= 2)))
			die_errno(125, "realloc");
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(125, "read --seccomp-fd");
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		die(125, "seccomp filter: %zu bytes is not a program of 1 to %d instructions", len, BPF_MAXINSNS);
	prog.len = (unsigned short)(len / sizeof(struct sock_filter));
	prog.filter = (struct sock_filter *)buf;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die_errno(125, "load the seccomp filter");
	free(buf);
}

/* ---- fds and signals ---- */

static void close_fds_from(unsigned int lo, unsigned int hi)
{
	if (lo > hi)
		return;
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die_errno(125, "close fds: open /proc/self/fd");
	int self = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		long fd = strtol(e->d_name, NULL, 10);
		if (fd != self && fd >= (long)lo && fd <= (long)hi)
			close((int)fd);
	}
	closedir(d);
}

/* Closes every fd above 2 except the kept ones (3..2+keep) and the error fd (close-on-exec). */
static void close_other_fds(int keep)
{
	unsigned int first = 3 + (unsigned int)keep;

	for (int fd = 3; fd < 3 + keep; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			set_cloexec(fd, 0);
	if (err_fd >= (int)first) {
		close_fds_from(first, (unsigned int)err_fd - 1);
		close_fds_from((unsigned int)err_fd + 1, ~0U);
		set_cloexec(err_fd, 1);
	} else {
		close_fds_from(first, ~0U);
	}
}

static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static const char *env_path(char **env)
{
	for (char **e = env; *e; e++)
		if (!strncmp(*e, "PATH=", 5))
			return *e + 5;
	return NULL;
}

void policy_exec(struct policy *p, char **argv)
{
	uint64_t eff, perm, inh;
	int seccomp_loaded = 0;

	reset_signals();

	if (setsid() < 0)
		die_errno(125, "setsid");
	if (p->tty && ioctl(0, TIOCSCTTY, 0) < 0)
		die_errno(125, "make stdin the controlling terminal (TIOCSCTTY)");
	if (p->cgroup_fd >= 0) {
		policy_join_cgroup(p->cgroup_fd);
		close(p->cgroup_fd);
	}
	for (int k = 0; k < p->n_rlimits; k++)
		if (setrlimit(p->rlimits[k].resource, &p->rlimits[k].limit) < 0)
			die_errno(125, "setrlimit(%d)", p->rlimits[k].resource);
	if (p->set_groups && setgroups((size_t)p->n_groups, p->groups) < 0)
		die_errno(125, "setgroups");
	if (p->set_gid && setresgid(p->gid, p->gid, p->gid) < 0)
		die_errno(125, "setresgid(%u)", p->gid);
	if (p->set_uid) {
		/* Keep the permitted set across a change away from uid 0; the capability step decides. */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			die_errno(125, "prctl(PR_SET_KEEPCAPS)");
		if (setresuid(p->uid, p->uid, p->uid) < 0)
			die_errno(125, "setresuid(%u)", p->uid);
	}

	/* Capabilities: effective = permitted to be allowed the changes, bounding, then the final sets. */
	cap_get(&eff, &perm, &inh);
	if (p->has_bounding || p->has_effective || p->has_permitted || p->has_inheritable)
		cap_set(perm, perm, inh);
	if (p->has_bounding)
		drop_bounding(p->bounding);
	if (p->seccomp_fd >= 0 && !p->no_new_privs) {
		/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which the final sets usually lack. */
		load_seccomp(p->seccomp_fd);
		seccomp_loaded = 1;
	}
	if (p->has_effective || p->has_permitted || p->has_inheritable)
		cap_set(p->has_effective ? p->effective : eff, p->has_permitted ? p->permitted : perm,
			p->has_inheritable ? p->inheritable : inh);
	else if (p->has_bounding)
		cap_set(eff, perm, inh);
	if (p->has_ambient)
		raise_ambient(p->ambient);
	if (p->set_uid && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		die_errno(125, "prctl(PR_SET_KEEPCAPS, 0)");

	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(125, "prctl(PR_SET_NO_NEW_PRIVS)");
	if (p->seccomp_fd >= 0 && !seccomp_loaded)
		load_seccomp(p->seccomp_fd);
	if (p->cwd && chdir(p->cwd) < 0)
		die_errno(125, "chdir %s", p->cwd);
	close_other_fds(p->keep_fds);

	exec_search(argv, p->env, env_path(p->env));
	if (errno == ENOENT)
		die(127, strchr(argv[0], '/') ? "%s: no such file or directory" : "%s: executable file not found in $PATH",
		    argv[0]);
	die_errno(126, "exec %s", argv[0]);
}
