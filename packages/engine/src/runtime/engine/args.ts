/** Pure: the engine's command line (see docs/architecture.md, "Engine"). */
import { TsctrError } from '../../errors';

export interface EngineArgs {
  readonly root: string;
  readonly runroot: string;
  readonly id: string;
  /** Where the one JSON readiness line goes; closed right after. */
  readonly readyFd?: number;
  /** Start the payload at the first `attach` or `start` request instead of at once. */
  readonly attachWait: boolean;
  /** Wait for the line `go` on the ready fd before reading the record (the CLI launched the engine while writing it). */
  readonly awaitGo?: boolean;
  /** With attachWait: start the payload at once, but hold its output (and its exit) until the first attach. */
  readonly startHeld?: boolean;
  /** The network helper's pipes: exit pipe write end (held, never used) and liveness pipe read end. */
  readonly netHoldFd?: number;
  readonly netAliveFd?: number;
  /** The container's cgroup: its cgroup.procs opened by the CLI, and its directory. */
  readonly cgroupFd?: number;
  readonly cgroupDir?: string;
}

const USAGE = 'usage: engine-main --root R --runroot RR --id ID [--ready-fd N] [--attach-wait [--start-held]] [--await-go] [--net-hold-fd N --net-alive-fd N] [--cgroup-fd N --cgroup-dir DIR]';

export function parseEngineArgs(argv: readonly string[]): EngineArgs {
  const values = new Map<string, string>();
  let attachWait = false;
  let awaitGo = false;
  let startHeld = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--attach-wait') {
      attachWait = true;
      continue;
    }
    if (arg === '--await-go') {
      awaitGo = true;
      continue;
    }
    if (arg === '--start-held') {
      startHeld = true;
      continue;
    }
    if (arg === '--root' || arg === '--runroot' || arg === '--id' || arg === '--ready-fd' || arg === '--net-hold-fd' || arg === '--net-alive-fd' || arg === '--cgroup-fd' || arg === '--cgroup-dir') {
      const value = argv[i + 1];
      if (value === undefined) throw new TsctrError(`engine: ${arg} needs a value; ${USAGE}`);
      values.set(arg, value);
      i++;
      continue;
    }
    throw new TsctrError(`engine: unknown argument "${arg}"; ${USAGE}`);
  }
  const root = values.get('--root');
  const runroot = values.get('--runroot');
  const id = values.get('--id');
  if (!root || !runroot || !id) throw new TsctrError(`engine: --root, --runroot and --id are required; ${USAGE}`);
  if (!/^[0-9a-f]{64}$/.test(id)) throw new TsctrError(`engine: --id must be a full 64-hex container id, got "${id}"`);
  const readyFd = fdArg(values, '--ready-fd');
  const netHoldFd = fdArg(values, '--net-hold-fd');
  const netAliveFd = fdArg(values, '--net-alive-fd');
  if ((netHoldFd === undefined) !== (netAliveFd === undefined)) throw new TsctrError(`engine: --net-hold-fd and --net-alive-fd go together; ${USAGE}`);
  const cgroupFd = fdArg(values, '--cgroup-fd');
  const cgroupDir = values.get('--cgroup-dir');
  if ((cgroupFd === undefined) !== (cgroupDir === undefined)) throw new TsctrError(`engine: --cgroup-fd and --cgroup-dir go together; ${USAGE}`);
  if (awaitGo && readyFd === undefined) throw new TsctrError(`engine: --await-go needs --ready-fd; ${USAGE}`);
  if (startHeld && !attachWait) throw new TsctrError(`engine: --start-held goes with --attach-wait; ${USAGE}`);
  return { root, runroot, id, readyFd, attachWait, ...(awaitGo ? { awaitGo } : {}), ...(startHeld ? { startHeld } : {}), ...(netHoldFd !== undefined ? { netHoldFd, netAliveFd } : {}), ...(cgroupFd !== undefined ? { cgroupFd, cgroupDir } : {}) };
}

function fdArg(values: ReadonlyMap<string, string>, flag: string): number | undefined {
  const fdText = values.get(flag);
  if (fdText === undefined) return undefined;
  const fd = Number(fdText);
  if (!Number.isInteger(fd) || fd < 3) throw new TsctrError(`engine: ${flag} must be a descriptor number >= 3, got "${fdText}"`);
  return fd;
}
