#!/bin/sh
# The limit tests, run by the unprivileged test user inside the guest in a delegated cgroup
# ($CGROUP). Every finding is one line "RESULT <test> key=value..." on stdout, which the host-side
# jest test (cgroups-vm.e2e.test.ts) asserts on; everything else is diagnostics.
T="tsctr --root $STORE_ROOT --runroot $RUNROOT"
# No network helper: the guest has no /dev/net/tun, and the tests need none.
R="run --network none"
result() { echo "RESULT $*"; }
now_us() { echo $(( $(date +%s%N) / 1000 )); }
cpu_usage() { sed -n 's/^usage_usec //p' "$1/cpu.stat"; }
throttled() { sed -n 's/^nr_throttled //p' "$1/cpu.stat"; }

result info limits="$($T info --format '{{.host.cgroupLimits}}' | tr ' ' _)"

# 1. 64 MB into a 32 MB limit: the OOM killer, exit 137, OOMKilled.
$T $R --name oom --memory 32m "$IMAGE" dd if=/dev/zero of=/dev/null bs=64M count=1
result oom exit=$? oomkilled=$($T inspect --format '{{.State.OOMKilled}}' oom)

# 2. 32 MB within a 64 MB limit.
$T $R --rm --memory 64m "$IMAGE" dd if=/dev/zero of=/dev/null bs=32M count=1
result fits exit=$?

# 3. A fork loop against --pids-limit 20: forks fail inside, the host and the container stay usable.
id=$($T $R -d --name pids --pids-limit 20 "$IMAGE" sh -c '( i=0; while [ $i -lt 40 ]; do sleep 600 & i=$((i+1)); done ); echo loop-ended; exec sleep 600')
dir=$CGROUP/tsctr-$id
for i in $(seq 40); do $T logs pids 2>&1 | grep -q loop-ended && break; sleep 1; done
logs=$($T logs pids 2>&1)
result pids max=$(cat "$dir/pids.max") current=$(cat "$dir/pids.current") forkfailed=$(echo "$logs" | grep -c "can't fork") loopended=$(echo "$logs" | grep -c loop-ended) hostfork=$(sh -c 'echo ok')
$T stop -t 2 pids >/dev/null
result pids_stop exit=$? status=$($T inspect --format '{{.State.Status}}' pids)

# 4. A busy loop under --cpus 0.5: about half a CPU over a few seconds.
id=$($T $R -d --name cpu --cpus 0.5 "$IMAGE" sh -c 'while :; do :; done')
dir=$CGROUP/tsctr-$id
sleep 2
u0=$(cpu_usage "$dir"); t0=$(now_us)
sleep 6
u1=$(cpu_usage "$dir"); t1=$(now_us)
result cpu max="$(tr ' ' _ <"$dir/cpu.max")" usage_us=$((u1 - u0)) wall_us=$((t1 - t0)) throttled=$(throttled "$dir")
$T rm -f cpu >/dev/null

# 5. stats and update on a running container with a 64 MB limit.
id=$($T $R -d --name st --memory 64m "$IMAGE" sleep 600)
dir=$CGROUP/tsctr-$id
$T stats --no-stream st | sed 's/^/STATS /'
json=$($T stats --no-stream --format json st)
result stats limit=$(echo "$json" | sed -n 's/.*"mem_limit_bytes": \([0-9]*\).*/\1/p') usage=$(echo "$json" | sed -n 's/.*"mem_usage_bytes": \([0-9]*\).*/\1/p') pids=$(echo "$json" | sed -n 's/.*"pids_current": \([0-9]*\).*/\1/p')
$T update --memory 96m st >/dev/null
result update exit=$? memory_max=$(cat "$dir/memory.max") inspect_memory=$($T inspect --format '{{.HostConfig.Memory}}' st)
$T rm -f st pids oom >/dev/null
# The engines remove their cgroups as they finish, just after the state says exited.
left() { ls -d "$CGROUP"/tsctr-* 2>/dev/null | grep -vc tsctr-leaf; }
for i in $(seq 20); do [ "$(left)" = 0 ] && break; sleep 1; done
result cleanup left=$(left)

# 6. cgroup2 on /sys/fs/cgroup inside: the container's own cgroup (its limit shows), read-only;
#    read-write with --privileged.
inside='set -- $(grep " /sys/fs/cgroup " /proc/mounts); echo "type=$3 mode=${4%%,*} memory_max=$(cat /sys/fs/cgroup/memory.max) self=$(cat /proc/self/cgroup)"; if (echo max >/sys/fs/cgroup/memory.max) 2>/dev/null; then echo write=ok; else echo write=refused; fi'
result cgroupfs $($T $R --rm --memory 48m "$IMAGE" sh -c "$inside" | tr '\n' ' ')
result cgroupfs_privileged $($T $R --rm --privileged "$IMAGE" sh -c 'set -- $(grep " /sys/fs/cgroup " /proc/mounts); echo "type=$3 mode=${4%%,*}"')

# 7. --userns=keep-id: the engine's root is a subordinate id; the cgroup still goes when the payload
#    ends (root there may override permissions on the user's cgroup: its uid and gid are mapped).
id=$($T $R -d --userns=keep-id --name keepid --memory 48m "$IMAGE" true)
dir=$CGROUP/tsctr-$id
code=$($T wait keepid)
for i in $(seq 20); do [ -d "$dir" ] || break; sleep 1; done
sed 's/^/ENGINELOG /' "$STORE_ROOT/containers/$id/engine.log" 2>/dev/null
result keepid_exit code=$code left=$([ -d "$dir" ] && echo 1 || echo 0)
$T rm keepid >/dev/null

# 8. A killed engine removes nothing: rm (as the user) removes the leftover cgroup.
id=$($T $R -d --userns=keep-id --name orphan --memory 48m "$IMAGE" sleep 600)
dir=$CGROUP/tsctr-$id
kill -9 "$($T inspect --format '{{.State.ConmonPid}}' orphan)"
for i in $(seq 20); do [ -z "$(cat "$dir/cgroup.procs" 2>/dev/null)" ] && break; sleep 1; done
before=$([ -d "$dir" ] && echo 1 || echo 0)
$T rm orphan >/dev/null
result leftover_rm exit=$? before=$before after=$([ -d "$dir" ] && echo 1 || echo 0)
