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
}

const USAGE = 'usage: engine-main --root R --runroot RR --id ID [--ready-fd N] [--attach-wait]';

export function parseEngineArgs(argv: readonly string[]): EngineArgs {
  const values = new Map<string, string>();
  let attachWait = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--attach-wait') {
      attachWait = true;
      continue;
    }
    if (arg === '--root' || arg === '--runroot' || arg === '--id' || arg === '--ready-fd') {
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
  const fdText = values.get('--ready-fd');
  let readyFd: number | undefined;
  if (fdText !== undefined) {
    readyFd = Number(fdText);
    if (!Number.isInteger(readyFd) || readyFd < 3) throw new TsctrError(`engine: --ready-fd must be a descriptor number >= 3, got "${fdText}"`);
  }
  return { root, runroot, id, readyFd, attachWait };
}
