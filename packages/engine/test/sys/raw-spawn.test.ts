import * as fs from 'node:fs';
import type { Socket } from 'node:net';
import { adoptRawChild } from '../../src/sys/adopt-child';
import { rawSpawn } from '../../src/sys/raw-spawn';

const exited = (child: ReturnType<typeof adoptRawChild>) =>
  new Promise<[number | null, string | null]>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve([child.exitCode, child.signalCode]);
    else child.once('exit', (code: number | null, signal: string | null) => resolve([code, signal]));
  });

describe('rawSpawn and adoptRawChild', () => {
  it('runs the program with argv0, the environment and its fds; its pipes become sockets both ways', async () => {
    const script = 'echo "$0 $1 $TSCTR_X" >&3; read line <&4; echo "got $line" >&4; exit 3';
    const raw = rawSpawn('/bin/sh', ['argv-zero', '-c', script, 'dollar-zero', 'one'], ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], { env: { TSCTR_X: 'env-ok', PATH: '/usr/bin:/bin' }, detached: true });
    expect(raw.pid).toBeGreaterThan(0);
    const child = adoptRawChild(raw);
    const out3: Buffer[] = [];
    const out4: Buffer[] = [];
    (child.stdio[3] as Socket).on('data', (b: Buffer) => out3.push(b));
    (child.stdio[4] as Socket).on('data', (b: Buffer) => out4.push(b));
    (child.stdio[4] as Socket).write('hello\n');
    expect(await exited(child)).toEqual([3, null]);
    await new Promise((r) => setTimeout(r, 50));
    expect(Buffer.concat(out3).toString()).toBe('dollar-zero one env-ok\n');
    expect(Buffer.concat(out4).toString()).toBe('got hello\n');
    expect(child.spawnfile).toBe('/bin/sh');
    expect(child.spawnargs[0]).toBe('argv-zero');
    for (const s of [child.stdio[3], child.stdio[4]]) (s as Socket).destroy();
  });

  it('kill ends the child and its signal is reported; an ended child is not killed again', async () => {
    const child = adoptRawChild(rawSpawn('/bin/sleep', ['sleep', '30'], ['ignore', 'ignore', 'ignore'], { env: {}, detached: true }));
    expect(child.kill('SIGKILL')).toBe(true);
    expect(await exited(child)).toEqual([null, 'SIGKILL']);
    expect(child.kill('SIGKILL')).toBe(false);
  });

  it('reports an end that came before the adoption', async () => {
    const raw = rawSpawn('/bin/true', ['true'], ['ignore', 'ignore', 'ignore'], { env: {}, detached: false });
    for (let i = 0; i < 100 && !raw.exit; i++) await new Promise((r) => setTimeout(r, 10));
    expect(raw.exit).toEqual({ exitCode: 0, signalCode: null });
    const child = adoptRawChild(raw);
    expect(child.exitCode).toBe(0);
    expect(await exited(child)).toEqual([0, null]);
  });

  it('throws, leaving nothing started, for a program that does not exist', () => {
    expect(fs.existsSync('/nonexistent/prog')).toBe(false);
    expect(() => rawSpawn('/nonexistent/prog', ['prog'], ['ignore', 'ignore', 'ignore'], { env: {}, detached: true })).toThrow(/spawn \/nonexistent\/prog/);
  });
});
