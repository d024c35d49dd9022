import { LineSplitter, exitCodeOf, parseErrorLine, parseStatusLine } from '../../../src/runtime/engine/status-lines';

describe('status fd lines', () => {
  it('parses pid, exit and signal', () => {
    expect(parseStatusLine('pid 4242')).toEqual({ kind: 'pid', pid: 4242 });
    expect(parseStatusLine('exit 42\n')).toEqual({ kind: 'exit', code: 42 });
    expect(parseStatusLine('signal 9')).toEqual({ kind: 'signal', signal: 9 });
  });
  it('ignores anything else', () => {
    for (const line of ['', 'pid', 'pid -1', 'exit 300', 'signal 0', 'hello 1']) expect(parseStatusLine(line)).toBeUndefined();
  });
  it('maps signals to 128+N', () => {
    expect(exitCodeOf({ kind: 'signal', signal: 9 })).toBe(137);
    expect(exitCodeOf({ kind: 'exit', code: 3 })).toBe(3);
  });
});

describe('error fd line', () => {
  it("keeps the shim's message when it already names the command", () => {
    expect(parseErrorLine('127 nosuch: executable file not found in $PATH', 'nosuch')).toEqual({ exitCode: 127, message: 'nosuch: executable file not found in $PATH' });
  });
  it('names the command for 127 and 126', () => {
    expect(parseErrorLine('127 execvpe: No such file or directory\n', 'nosuchcmd')).toEqual({ exitCode: 127, message: expect.stringMatching(/^nosuchcmd: executable file not found/) });
    expect(parseErrorLine('126 execvpe: Permission denied', '/etc/passwd')).toEqual({ exitCode: 126, message: expect.stringMatching(/^\/etc\/passwd: cannot be executed/) });
  });
  it('treats other codes and unnumbered text as engine errors (125)', () => {
    expect(parseErrorLine('125 seccomp: Invalid argument', 'sh')).toEqual({ exitCode: 125, message: 'starting the container process failed: seccomp: Invalid argument' });
    expect(parseErrorLine('boom', 'sh')?.exitCode).toBe(125);
  });
  it('is no failure when empty', () => {
    expect(parseErrorLine('', 'sh')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('joins lines across chunks and keeps the tail for flush', () => {
    const s = new LineSplitter();
    expect(s.push('pid 1')).toEqual([]);
    expect(s.push('2\nexit')).toEqual(['pid 12']);
    expect(s.push(' 0\nsig')).toEqual(['exit 0']);
    expect(s.flush()).toEqual(['sig']);
    expect(s.flush()).toEqual([]);
  });
});
