/*
 * The process policy that init and exec apply, in this order, before executing the payload:
 * setsid (+ TIOCSCTTY), cgroup, rlimits, groups, gid, uid, capabilities, no_new_privs, seccomp,
 * chdir, close fds, execvpe. Every value comes from argv (docs/shim-protocol.md).
 */
#ifndef TSCTR_POLICY_H
#define TSCTR_POLICY_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define POLICY_MAX_RLIMITS 32
#define POLICY_MAX_GROUPS 256

struct policy_rlimit {
	int resource;
	struct rlimit limit;
};

struct policy {
	int tty;
	int cgroup_fd; /* -1: none */
	int n_rlimits;
	struct policy_rlimit rlimits[POLICY_MAX_RLIMITS];
	int set_groups;
	int n_groups;
	gid_t groups[POLICY_MAX_GROUPS];
	int set_gid;
	gid_t gid;
	int set_uid;
	uid_t uid;
	int has_bounding, has_effective, has_permitted, has_inheritable, has_ambient;
	uint64_t bounding, effective, permitted, inheritable, ambient;
	int no_new_privs;
	int seccomp_fd; /* -1: none */
	const char *cwd;
	int n_env;
	char **env; /* n_env entries + NULL */
	int keep_fds;
};

/* Sets defaults; env gets room for max_env entries. */
void policy_init(struct policy *p, int max_env);

/* Consumes the policy flag at argv[*i] (and its value): returns 1, or 0 when it is not one. */
int policy_parse_flag(struct policy *p, int argc, char **argv, int *i);

/* Moves the calling process into the cgroup of dirfd ("0" to cgroup.procs). */
void policy_join_cgroup(int dirfd);

/*
 * Applies the policy and executes argv[0] (searched in the PATH of the policy's environment).
 * Never returns: failures go to the error fd as "<code> <message>" (127 not found, 126 not
 * executable, 125 anything else).
 */
__attribute__((noreturn)) void policy_exec(struct policy *p, char **argv);

/*
 * Makes the permitted capabilities inheritable and ambient, so that a program executed by a process
 * whose uid is not (yet) mapped in its user namespace keeps them (launch --exec-unmapped).
 */
void policy_keep_capabilities_across_exec(void);

#endif
