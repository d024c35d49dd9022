/**
 * The lean monitor (docs/architecture.md, "Lean monitor"): the engine of a running container that
 * nobody is connected to replaces itself with monitor-main (same pid), and everything a running
 * container offers still works: logs, exec, cp, kill, stop, wait, --rm removal.
 * TSCTR_LEAN_MONITOR=0 keeps the full engine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, makeTestStore, runTsctr, type TestStore } from './lib';

jest.setTimeout(120_000);

const BUSYBOX = FIXTURES.busybox;

describe('lean monitor', () => {
  let store: TestStore;
  const tsctr = (args: readonly string[], env?: Record<string, string>) => runTsctr(args, { store, ...(env ? { env } : {}) });

  const enginePid = (id: string): number => JSON.parse(fs.readFileSync(path.join(store.root, 'containers', id, 'state.json'), 'utf8')).enginePid as number;
  const commandLine = (pid: number): string => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return '';
    }
  };
  /** Polls until the container's engine runs monitor-main (the hand-over waits for a quiet moment). */
  const waitForMonitor = async (id: string): Promise<string> => {
    let line = '';
    for (let i = 0; i < 100; i++) {
      line = commandLine(enginePid(id));
      if (line.includes('monitor-main')) return line;
      await new Promise((r) => setTimeout(r, 100));
    }
    return line;
  };

  beforeAll(async () => {
    store = makeTestStore();
    expect((await tsctr(['pull', '-q', BUSYBOX])).exitCode).toBe(0);
  });
  afterAll(async () => store.cleanup());

  it('takes over a detached container: logs, exec, cp, kill, wait', async () => {
    const run = await tsctr(['run', '-d', BUSYBOX, 'sh', '-c', 'echo before; exec sleep 1000']);
    expect(run.exitCode).toBe(0);
    const id = run.stdout.trim();
    const pid = enginePid(id);
    expect(await waitForMonitor(id)).toContain('monitor-main');
    expect(enginePid(id)).toBe(pid);

    expect((await tsctr(['logs', id])).stdout).toBe('before\n');
    expect(await tsctr(['exec', id, 'sh', '-c', 'echo from-exec; exit 3'])).toMatchObject({ exitCode: 3, stdout: 'from-exec\n' });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsctr-monitor-'));
    fs.chownSync(tmp, fs.statSync(store.root).uid, fs.statSync(store.root).gid);
    try {
      expect((await tsctr(['cp', `${id}:/etc/hostname`, path.join(tmp, 'hostname')])).exitCode).toBe(0);
      expect(fs.readFileSync(path.join(tmp, 'hostname'), 'utf8')).toBe(`${id.slice(0, 12)}\n`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    expect((await tsctr(['kill', '-s', 'KILL', id])).exitCode).toBe(0);
    expect((await tsctr(['wait', id])).stdout).toBe('137\n');
    expect((await tsctr(['inspect', id, '--format', '{{.State.Status}} {{.State.ExitCode}}'])).stdout).toBe('exited 137\n');
    expect((await tsctr(['rm', id])).exitCode).toBe(0);
  });

  it('stops with the stop signal and removes a --rm container itself', async () => {
    const id = (await tsctr(['run', '-d', '--rm', BUSYBOX, 'sleep', '1000'])).stdout.trim();
    expect(await waitForMonitor(id)).toContain('monitor-main');
    expect((await tsctr(['stop', '-t', '5', id])).exitCode).toBe(0);
    for (let i = 0; i < 100 && fs.existsSync(path.join(store.root, 'containers', id)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(path.join(store.root, 'containers', id))).toBe(false);
    expect((await tsctr(['ps', '-a', '-q'])).stdout).toBe('');
  });

  it('records the exit of a payload that ends by itself', async () => {
    const id = (await tsctr(['run', '-d', BUSYBOX, 'sh', '-c', 'sleep 2; echo done; exit 4'])).stdout.trim();
    expect(await waitForMonitor(id)).toContain('monitor-main');
    expect((await tsctr(['wait', id])).stdout).toBe('4\n');
    expect((await tsctr(['logs', id])).stdout).toBe('done\n');
    expect((await tsctr(['rm', id])).exitCode).toBe(0);
  });

  it('TSCTR_LEAN_MONITOR=0 keeps the full engine', async () => {
    const id = (await tsctr(['run', '-d', BUSYBOX, 'sleep', '1000'], { TSCTR_LEAN_MONITOR: '0' })).stdout.trim();
    await new Promise((r) => setTimeout(r, 1000));
    expect(commandLine(enginePid(id))).toContain('engine-main');
    expect((await tsctr(['rm', '-f', id])).exitCode).toBe(0);
  });
});
