import { parseEngineArgs } from '../../../src/runtime/engine/args';
import { parseBoundingSet } from '../../../src/runtime/engine/init-plan';

const ID = 'a'.repeat(64);

describe('parseEngineArgs', () => {
  it('reads every option', () => {
    expect(parseEngineArgs(['--root', '/r', '--runroot', '/rr', '--id', ID, '--ready-fd', '4', '--attach-wait'])).toEqual({ root: '/r', runroot: '/rr', id: ID, readyFd: 4, attachWait: true });
  });
  it('makes the ready fd and attach-wait optional', () => {
    expect(parseEngineArgs(['--id', ID, '--root', '/r', '--runroot', '/rr'])).toEqual({ root: '/r', runroot: '/rr', id: ID, readyFd: undefined, attachWait: false });
  });
  it('reads --start-held, which goes with --attach-wait', () => {
    expect(parseEngineArgs(['--root', '/r', '--runroot', '/rr', '--id', ID, '--attach-wait', '--start-held'])).toMatchObject({ attachWait: true, startHeld: true });
    expect(() => parseEngineArgs(['--root', '/r', '--runroot', '/rr', '--id', ID, '--start-held'])).toThrow(/--start-held goes with --attach-wait/);
  });
  it('reads --await-go, which needs the ready fd it waits on', () => {
    expect(parseEngineArgs(['--root', '/r', '--runroot', '/rr', '--id', ID, '--ready-fd', '4', '--await-go'])).toEqual({ root: '/r', runroot: '/rr', id: ID, readyFd: 4, attachWait: false, awaitGo: true });
    expect(() => parseEngineArgs(['--root', '/r', '--runroot', '/rr', '--id', ID, '--await-go'])).toThrow(/--await-go needs --ready-fd/);
  });
  it.each([
    [['--root', '/r', '--runroot', '/rr'], /required/],
    [['--root', '/r', '--runroot', '/rr', '--id', 'abc'], /64-hex/],
    [['--root', '/r', '--runroot', '/rr', '--id', ID, '--ready-fd', '1'], /ready-fd/],
    [['--root', '/r', '--runroot', '/rr', '--id', ID, '--bogus'], /unknown argument "--bogus"/],
    [['--root'], /needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseEngineArgs(argv)).toThrow(message);
  });
});

describe('parseBoundingSet', () => {
  it('reads CapBnd', () => {
    expect(parseBoundingSet('Name:\tnode\nCapBnd:\t000001ffffffffff\nCapAmb:\t0\n')).toBe(0x1ffffffffffn);
    expect(parseBoundingSet('Name:\tnode\n')).toBeUndefined();
  });
});
