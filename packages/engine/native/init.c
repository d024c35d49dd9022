/*
 * init: the container's first process. The relay (this process) forks PID 1 of a new PID
 * namespace; PID 1 builds its mount view (proc, pivot_root, masks, read-only paths) and either
 * becomes the payload (--no-init) or forks it and stays as a tiny init. See docs/shim-protocol.md.
 */
#include "modes.h"
#include "policy.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct init_opts {
	const char *rootfs;
	int status_fd;
	int no_init;
	int mount_cgroup; /* 0: none; 1: read-only; 2: read-write */
	int n_masks, n_readonly;
	const char **masks, **readonly;
	struct policy policy;
	char **argv;
};

static void parse(int argc, char **argv, struct init_opts *o)
{
	int i;

	memset(o, 0, sizeof *o);
	o->status_fd = -1;
	o->masks = calloc((size_t)argc + 1, sizeof *o->masks);
	o->readonly = calloc((size_t)argc + 1, sizeof *o->readonly);
	if (!o->masks || !o->readonly)
		die_errno(125, "calloc");
	policy_init(&o->policy, argc);
	for (i = 0; next_flag(argc, argv, &i); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--rootfs")) {
			o->rootfs = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--status-fd")) {
			o->status_fd = parse_fd(a, flag_value(argc, argv, &i));
		} else if (!strcmp(a, "--error-fd")) {
			err_fd = parse_fd(a, flag_value(argc, argv, &i));
		} else if (!strcmp(a, "--no-init")) {
			o->no_init = 1;
		} else if (!strcmp(a, "--mount-cgroup")) {
			const char *mode = flag_value(argc, argv, &i);
			if (!strcmp(mode, "ro"))
				o->mount_cgroup = 1;
			else if (!strcmp(mode, "rw"))
				o->mount_cgroup = 2;
			else
				die(125, "--mount-cgroup: expected ro or rw, got %s", mode);
		} else if (!strcmp(a, "--mask")) {
			o->masks[o->n_masks++] = flag_value(argc, argv, &i);
		} else if (!strcmp(a, "--readonly")) {
			o->readonly[o->n_readonly++] = flag_value(argc, argv, &i);
		} else if (!policy_parse_flag(&o->policy, argc, argv, &i)) {
			unknown_flag(a);
		}
	}
	if (!o->rootfs || o->status_fd < 0 || err_fd < 0)
		die(125, "--rootfs, --status-fd and --error-fd are required");
	o->argv = command_after_flags(argc, argv, i);
}

/* Locked flags (nosuid, nodev, noexec, atime) must be repeated on a remount inside a user namespace. */
static unsigned long locked_flags(const char *path)
{
	struct statvfs st;
	unsigned long flags = 0;

	if (statvfs(path, &st) < 0)
		die_errno(125, "statvfs %s", path);
	if (st.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	if (st.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (st.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (st.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	return flags;
}

static void mask_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return;
		die_errno(125, "mask %s: stat", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
			die_errno(125, "mask %s: mount a read-only tmpfs", path);
	} else if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0) {
		die_errno(125, "mask %s: bind /dev/null", path);
	}
}

static void readonly_path(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return;
		die_errno(125, "read-only %s: bind", path);
	}
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(path), NULL) < 0)
		die_errno(125, "read-only %s: remount", path);
}

/* The container's own cgroup (the root of its cgroup namespace) as cgroup2 on /sys/fs/cgroup. */
static void mount_cgroup2(int writable)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;

	if (!writable)
		flags |= MS_RDONLY;
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", flags, NULL) < 0)
		die_errno(125, "mount cgroup2 on /sys/fs/cgroup");
}

/* PID 1's view: private propagation, fresh /proc, rootfs as "/", cgroup2, masks, read-only paths. */
static void enter_rootfs(const struct init_opts *o)
{
	char proc[4096];

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(125, "make / private");
	/* pivot_root needs a mount point: bind the rootfs onto itself (keeps the mounts below it). */
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die_errno(125, "bind %s onto itself", o->rootfs);
	if ((size_t)snprintf(proc, sizeof proc, "%s/proc", o->rootfs) >= sizeof proc)
		die(125, "rootfs path too long");
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die_errno(125, "mount proc on %s", proc);
	if (chdir(o->rootfs) < 0)
		die_errno(125, "chdir %s", o->rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die_errno(125, "pivot_root %s", o->rootfs);
	/* The old root is stacked under the new one at "."; detach it. */
	if (umount2(".", MNT_DETACH) < 0)
		die_errno(125, "detach the old root");
	if (chdir("/") < 0)
		die_errno(125, "chdir /");
	if (o->mount_cgroup)
		mount_cgroup2(o->mount_cgroup == 2);
	for (int k = 0; k < o->n_masks; k++)
		mask_path(o->masks[k]);
	for (int k = 0; k < o->n_readonly; k++)
		readonly_path(o->readonly[k]);
}

/* The shim's own argv (mode flags, the whole policy): hidden from the container once init runs. */
static char *title_start, *title_end;

static void set_init_title(void)
{
	static const char title[] = "tsctr-init";

	if (title_start && title_end - title_start >= (long)sizeof title) {
		memset(title_start, 0, (size_t)(title_end - title_start));
		memcpy(title_start, title, sizeof title);
	}
	(void)prctl(PR_SET_NAME, title, 0, 0, 0);
}

static __attribute__((noreturn)) void run_pid1(struct init_opts *o, int report_fd, const sigset_t *forwarded)
{
	pid_t payload;
	int status;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(125, "prctl(PR_SET_PDEATHSIG)");
	close(o->status_fd);
	if (unshare(CLONE_NEWNS) < 0)
		die_errno(125, "unshare(CLONE_NEWNS)");
	/* Join the container's cgroup before the cgroup namespace is made, so that it is its root. */
	if (o->policy.cgroup_fd >= 0) {
		policy_join_cgroup(o->policy.cgroup_fd);
		close(o->policy.cgroup_fd);
		o->policy.cgroup_fd = -1;
	}
	if (unshare(CLONE_NEWCGROUP) < 0)
		die_errno(125, "unshare(CLONE_NEWCGROUP)");
	enter_rootfs(o);
	/* Non-dumpable: processes in the container cannot open /proc/1/{exe,mem,fd}. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(125, "prctl(PR_SET_DUMPABLE)");

	if (o->no_init)
		policy_exec(&o->policy, o->argv);

	payload = fork();
	if (payload < 0)
		die_errno(125, "fork the payload");
	if (payload == 0) {
		close(report_fd);
		policy_exec(&o->policy, o->argv);
	}
	set_init_title();
	/* Only the payload reports from here on; init keeps its stdio and the report pipe. */
	close(err_fd);
	err_fd = 2;
	if (o->policy.seccomp_fd >= 0)
		close(o->policy.seccomp_fd);
	status = forward_until_exit(forwarded, payload, 1);
	/* PID 1 cannot die of a signal it raises itself: tell the relay the payload's status instead. */
	(void)write_all(report_fd, &status, sizeof status);
	_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
}

int init_main(int argc, char **argv)
{
	struct init_opts o;
	sigset_t forwarded;
	int report[2];
	pid_t child;
	int status, reported;
	char line[64];
	int code;

	/* The relay must not outlive the engine that monitors it (nor PID 1 the relay). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die_errno(125, "prctl(PR_SET_PDEATHSIG)");
	if (getppid() == 1)
		die(125, "the engine exited before the container started");
	parse(argc, argv, &o);
	reset_signal_dispositions();
	if (argc > 0) {
		title_start = argv[-2]; /* main() passes argv after "tsctr-shim init" */
		title_end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	}
	set_cloexec(err_fd, 1);
	set_cloexec(o.status_fd, 1);
	if (pipe2(report, O_CLOEXEC) < 0)
		die_errno(125, "pipe2");
	/* Blocked before the fork so that no signal is lost; the payload unblocks them before exec. */
	block_forwarded_signals(&forwarded);
	if (unshare(CLONE_NEWPID) < 0)
		die_errno(125, "unshare(CLONE_NEWPID)");
	child = fork();
	if (child < 0)
		die_errno(125, "fork PID 1");
	if (child == 0) {
		close(report[0]);
		run_pid1(&o, report[1], &forwarded);
	}

	close(report[1]);
	close(err_fd);
	err_fd = -1;
	snprintf(line, sizeof line, "pid %d\n", child);
	(void)write_all(o.status_fd, line, strlen(line));
	status = forward_until_exit(&forwarded, child, 0);
	if (read(report[0], &reported, sizeof reported) == (ssize_t)sizeof reported)
		status = reported; /* the payload's status, from the tiny init */
	code = describe_status(status, line, sizeof line);
	(void)write_all(o.status_fd, line, strlen(line));
	return code;
}
