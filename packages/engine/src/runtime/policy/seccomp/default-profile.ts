/**
 * tsctr's default seccomp profile.
 *
 * Its allowlist is the one of containers/common's default profile (what podman uses), checked
 * against containers/common as of 2025: the same syscalls allowed, the same ones refused with
 * EPERM, the same capability-gated groups, `personality` limited to the same personas, and netlink
 * audit sockets refused without CAP_AUDIT_WRITE. Everything else fails with ENOSYS, as there, so
 * that programs probing newer syscalls (clone3, faccessat2, ...) fall back to older ones.
 *
 * It is stricter than containers/common in one respect, like docker's default profile: without
 * CAP_SYS_ADMIN a container cannot create namespaces (`unshare`, `clone` with CLONE_NEW* flags;
 * `clone3`, whose flags seccomp cannot read, answers ENOSYS so that libc falls back to `clone`),
 * cannot use the mount API, and nobody can use the kernel keyring (`keyctl`, `add_key`,
 * `request_key`), which is not namespaced. Unprivileged user namespaces are the kernel's largest
 * attack surface reachable from a container; keyrings leak between containers of one user.
 */
import type { SeccompArgCondition, SeccompRule, SeccompProfile } from './profile';

const EPERM = 1;
const EINVAL = 22;
const ENOSYS = 38;

/** Syscalls every container may make. */
const ALWAYS_ALLOWED = [
  // files and directories
  'access', 'faccessat', 'faccessat2', 'chdir', 'fchdir', 'getcwd', 'chmod', 'fchmod', 'fchmodat', 'fchmodat2',
  'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32', 'creat', 'open', 'openat', 'openat2',
  'close', 'close_range', 'name_to_handle_at', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat',
  'rename', 'renameat', 'renameat2', 'mkdir', 'mkdirat', 'rmdir', 'mknod', 'mknodat', 'readlink', 'readlinkat',
  'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'statx', 'statfs', 'statfs64',
  'fstatfs', 'fstatfs64', 'getdents', 'getdents64', 'truncate', 'truncate64', 'ftruncate', 'ftruncate64', 'fallocate',
  'umask', 'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat', 'flock', 'fcntl', 'fcntl64',
  'getxattr', 'lgetxattr', 'fgetxattr', 'setxattr', 'lsetxattr', 'fsetxattr', 'listxattr', 'llistxattr', 'flistxattr',
  'removexattr', 'lremovexattr', 'fremovexattr', 'inotify_init', 'inotify_init1', 'inotify_add_watch',
  'inotify_rm_watch', 'fanotify_init', 'fanotify_mark',
  // reading and writing
  'read', 'readv', 'pread64', 'preadv', 'preadv2', 'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'lseek',
  '_llseek', 'sendfile', 'sendfile64', 'splice', 'tee', 'copy_file_range', 'readahead', 'fadvise64', 'fadvise64_64',
  'sync', 'syncfs', 'fsync', 'fdatasync', 'sync_file_range', 'dup', 'dup2', 'dup3', 'pipe', 'pipe2', 'ioctl',
  'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents',
  // waiting for events
  'select', '_newselect', 'pselect6', 'pselect6_time64', 'poll', 'ppoll', 'ppoll_time64', 'epoll_create',
  'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2',
  'eventfd', 'eventfd2', 'signalfd', 'signalfd4', 'timerfd_create', 'timerfd_settime', 'timerfd_settime64',
  'timerfd_gettime', 'timerfd_gettime64', 'pause',
  // memory
  'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync', 'mlock', 'mlock2', 'mlockall',
  'munlock', 'munlockall', 'remap_file_pages', 'mbind', 'get_mempolicy', 'set_mempolicy', 'membarrier',
  'memfd_create', 'memfd_secret', 'pkey_alloc', 'pkey_free', 'pkey_mprotect',
  // processes and threads (clone and clone3 are conditional, below)
  'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid', 'kill', 'tkill', 'tgkill',
  'getpid', 'getppid', 'gettid', 'getpgid', 'setpgid', 'getpgrp', 'getsid', 'setsid', 'set_tid_address',
  'set_robust_list', 'get_robust_list', 'futex', 'futex_time64', 'rseq', 'restart_syscall', 'prctl', 'seccomp',
  'capget', 'capset', 'getrlimit', 'setrlimit', 'ugetrlimit', 'prlimit64', 'getrusage', 'times', 'getpriority',
  'setpriority', 'ioprio_get', 'ioprio_set', 'get_thread_area', 'set_thread_area', 'getcpu', 'ptrace',
  'process_vm_readv', 'process_vm_writev', 'process_mrelease', 'pidfd_open', 'pidfd_getfd', 'pidfd_send_signal',
  'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr', 'sched_getparam',
  'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
  'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'landlock_create_ruleset', 'landlock_add_rule',
  'landlock_restrict_self', 'reboot',
  // identity
  'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32', 'getresuid',
  'getresuid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32', 'setuid', 'setuid32', 'setgid', 'setgid32',
  'setreuid', 'setreuid32', 'setregid', 'setregid32', 'setresuid', 'setresuid32', 'setresgid', 'setresgid32',
  'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32', 'setgroups', 'setgroups32',
  // signals
  'rt_sigaction', 'rt_sigprocmask', 'rt_sigpending', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'rt_sigreturn',
  'rt_sigsuspend', 'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'sigaltstack', 'signal', 'sigprocmask', 'sigreturn',
  // time
  'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64', 'clock_nanosleep',
  'clock_nanosleep_time64', 'nanosleep', 'clock_adjtime', 'clock_adjtime64', 'adjtimex', 'alarm', 'getitimer',
  'setitimer', 'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime',
  'timer_settime64',
  // sockets (socket itself is conditional, below)
  'socketpair', 'socketcall', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername',
  'getsockopt', 'setsockopt', 'shutdown', 'send', 'sendto', 'sendmsg', 'sendmmsg', 'recv', 'recvfrom', 'recvmsg',
  'recvmmsg', 'recvmmsg_time64',
  // System V and POSIX IPC (the container has its own IPC namespace)
  'ipc', 'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'semctl',
  'shmget', 'shmat', 'shmdt', 'shmctl', 'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedsend_time64',
  'mq_timedreceive', 'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
  // system information
  'uname', 'sysinfo', 'getrandom', 'syslog',
];

/** Refused with EPERM rather than ENOSYS: obsolete, host-wide, or a known kernel attack surface. */
const REFUSED = [
  'bdflush', 'cachestat', 'futex_requeue', 'futex_wait', 'futex_waitv', 'futex_wake', 'io_pgetevents',
  'io_pgetevents_time64', 'kexec_file_load', 'kexec_load', 'map_shadow_stack', 'migrate_pages', 'move_pages',
  'nfsservctl', 'nice', 'oldfstat', 'oldlstat', 'oldolduname', 'oldstat', 'olduname', 'pciconfig_iobase',
  'pciconfig_read', 'pciconfig_write', 'sgetmask', 'ssetmask', 'swapoff', 'swapon', 'syscall', 'sysfs', 'uselib',
  'userfaultfd', 'ustat', 'vm86', 'vm86old', 'vmsplice',
  // the kernel keyring is shared by every container of a user
  'keyctl', 'add_key', 'request_key',
];

/** Syscalls allowed only with CAP_SYS_ADMIN (namespaces, mounts, host names, quotas). */
const NEED_SYS_ADMIN = [
  'unshare', 'setns', 'mount', 'umount', 'umount2', 'pivot_root', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'move_mount', 'open_tree', 'mount_setattr', 'lookup_dcookie', 'quotactl', 'quotactl_fd', 'sethostname',
  'setdomainname',
];

/** Other capability-gated groups: the syscall is allowed only while the container holds the capability. */
const GATED: ReadonlyArray<readonly [capability: string, names: readonly string[]]> = [
  ['CAP_DAC_READ_SEARCH', ['open_by_handle_at']],
  ['CAP_SYS_CHROOT', ['chroot']],
  ['CAP_SYS_MODULE', ['init_module', 'finit_module', 'delete_module', 'query_module']],
  ['CAP_SYS_PACCT', ['acct']],
  ['CAP_SYS_PTRACE', ['kcmp', 'process_madvise']],
  ['CAP_SYS_RAWIO', ['ioperm', 'iopl']],
  ['CAP_SYS_TIME', ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']],
  ['CAP_SYS_TTY_CONFIG', ['vhangup']],
];

/** Flags of clone(2) that create namespaces: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
export const CLONE_NAMESPACE_FLAGS = 0x00020000n | 0x02000000n | 0x04000000n | 0x08000000n | 0x10000000n | 0x20000000n | 0x40000000n;

/** personality(2) values that only select Linux behaviour: PER_LINUX, UNAME26, PER_LINUX32, both, query. */
const HARMLESS_PERSONAS = [0x0n, 0x8n, 0x20000n, 0x20008n, 0xffffffffn];

const AF_NETLINK = 16n;
const NETLINK_AUDIT = 9n;

function rule(names: readonly string[], action: SeccompRule['action'], more: Partial<SeccompRule> = {}): SeccompRule {
  return { names, action, args: [], includes: {}, excludes: {}, ...more };
}

function arg(index: number, op: SeccompArgCondition['op'], value: bigint, valueTwo = 0n): SeccompArgCondition {
  return { index, op, value, valueTwo };
}

/** Allowed with `capability`, refused with `errno` without it. */
function gated(capability: string, names: readonly string[], errno = EPERM): SeccompRule[] {
  return [
    rule(names, 'SCMP_ACT_ALLOW', { includes: { caps: [capability] } }),
    rule(names, 'SCMP_ACT_ERRNO', { errnoRet: errno, excludes: { caps: [capability] } }),
  ];
}

export const DEFAULT_SECCOMP_PROFILE: SeccompProfile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: ENOSYS,
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'],
  syscalls: [
    rule(ALWAYS_ALLOWED, 'SCMP_ACT_ALLOW'),
    rule(REFUSED, 'SCMP_ACT_ERRNO', { errnoRet: EPERM }),
    ...HARMLESS_PERSONAS.map((persona) => rule(['personality'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'SCMP_CMP_EQ', persona)] })),
    rule(['arch_prctl'], 'SCMP_ACT_ALLOW', { includes: { arches: ['amd64'] } }),
    rule(['modify_ldt'], 'SCMP_ACT_ALLOW', { includes: { arches: ['amd64'] } }),
    rule(['arm_fadvise64_64', 'arm_sync_file_range', 'breakpoint', 'cacheflush', 'set_tls', 'sync_file_range2'], 'SCMP_ACT_ALLOW', { includes: { arches: ['arm64'] } }),
    // clone: with CAP_SYS_ADMIN anything; without it, only when no namespace flag is set.
    rule(['clone'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule(['clone'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'SCMP_CMP_MASKED_EQ', CLONE_NAMESPACE_FLAGS, 0n)], excludes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule(['clone'], 'SCMP_ACT_ERRNO', { errnoRet: EPERM, excludes: { caps: ['CAP_SYS_ADMIN'] } }),
    ...gated('CAP_SYS_ADMIN', ['clone3'], ENOSYS),
    ...gated('CAP_SYS_ADMIN', NEED_SYS_ADMIN),
    ...GATED.flatMap(([capability, names]) => gated(capability, names)),
    rule(['bpf'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule(['bpf'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_BPF'] } }),
    rule(['bpf'], 'SCMP_ACT_ERRNO', { errnoRet: EPERM, excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_BPF'] } }),
    rule(['perf_event_open'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_SYS_ADMIN'] } }),
    rule(['perf_event_open'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_PERFMON'] } }),
    rule(['perf_event_open'], 'SCMP_ACT_ERRNO', { errnoRet: EPERM, excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_PERFMON'] } }),
    // socket: everything but netlink audit sockets, which need CAP_AUDIT_WRITE.
    rule(['socket'], 'SCMP_ACT_ALLOW', { includes: { caps: ['CAP_AUDIT_WRITE'] } }),
    rule(['socket'], 'SCMP_ACT_ERRNO', {
      errnoRet: EINVAL,
      args: [arg(0, 'SCMP_CMP_EQ', AF_NETLINK), arg(2, 'SCMP_CMP_EQ', NETLINK_AUDIT)],
      excludes: { caps: ['CAP_AUDIT_WRITE'] },
    }),
    rule(['socket'], 'SCMP_ACT_ALLOW', { excludes: { caps: ['CAP_AUDIT_WRITE'] } }),
  ],
};
