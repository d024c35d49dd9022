import * as os from 'node:os';
import * as path from 'node:path';

/** Where a store lives. Data root holds images and containers; run root holds sockets and pids. */
export interface StorePaths {
  readonly root: string;
  readonly runRoot: string;
}

export interface StorePathOptions {
  root?: string;
  runroot?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  home?: string;
}

/** Pure: resolves the data and run roots per the brief (XDG dirs, /tmp fallback, flags win). */
export function resolveStorePaths(opts: StorePathOptions = {}): StorePaths {
  const env = opts.env ?? process.env;
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  const home = opts.home ?? env.HOME ?? os.homedir();
  const dataHome = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  const runtimeDir = env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : undefined;
  const root = opts.root ? path.resolve(opts.root) : path.join(dataHome, 'tsctr');
  const runRoot = opts.runroot ? path.resolve(opts.runroot) : runtimeDir ? path.join(runtimeDir, 'tsctr') : `/tmp/tsctr-run-${uid}`;
  return { root, runRoot };
}
