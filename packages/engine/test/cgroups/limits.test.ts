import { TsctrError } from '../../src/errors';
import { mergeLimits, parseByteSize, parseLimitFlags, validateCpuList } from '../../src/cgroups/limits';

describe('resource limit flags', () => {
  it('parses docker sizes in binary units', () => {
    expect(parseByteSize('32m', '--memory')).toBe(32 * 1024 * 1024);
    expect(parseByteSize('1.5g', '--memory')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('64MB', '--memory')).toBe(64 * 1024 * 1024);
    expect(parseByteSize('4096', '--memory')).toBe(4096);
    expect(() => parseByteSize('lots', '--memory')).toThrow(/invalid --memory "lots"/);
  });

  it('normalises every flag', () => {
    expect(parseLimitFlags({ memory: '64m', memorySwap: '-1', memoryReservation: '32m', cpus: '0.5', cpuShares: '512', cpusetCpus: '0-1', pidsLimit: '20', blkioWeight: '500' })).toEqual({
      memory: 64 * 1024 * 1024, memorySwap: -1, memoryReservation: 32 * 1024 * 1024, cpus: 0.5, cpuShares: 512, cpusetCpus: '0-1', pidsLimit: 20, blkioWeight: 500,
    });
    expect(parseLimitFlags({ pidsLimit: '0' })).toEqual({ pidsLimit: -1 });
    expect(parseLimitFlags({})).toEqual({});
  });

  it.each([
    [{ memory: '1m' }, /minimum memory limit is 6m/],
    [{ memorySwap: '64m' }, /--memory-swap needs --memory/],
    [{ memory: '64m', memorySwap: '32m' }, /at least --memory/],
    [{ memory: '32m', memoryReservation: '64m' }, /smaller than --memory/],
    [{ cpus: '0' }, /invalid --cpus "0"/],
    [{ cpus: 'half' }, /invalid --cpus/],
    [{ cpuShares: '1' }, /invalid --cpu-shares/],
    [{ cpuShares: '512', cpuWeight: '50' }, /give one of them/],
    [{ cpuWeight: '20000' }, /invalid --cpu-weight/],
    [{ pidsLimit: 'many' }, /invalid --pids-limit/],
    [{ blkioWeight: '5' }, /invalid --blkio-weight/],
  ])('refuses %p', (flags, message) => {
    expect(() => parseLimitFlags(flags)).toThrow(TsctrError);
    expect(() => parseLimitFlags(flags)).toThrow(message);
  });

  it('checks cpu lists', () => {
    expect(validateCpuList('0-1,3', '--cpuset-cpus')).toBe('0-1,3');
    expect(() => validateCpuList('3-1', '--cpuset-cpus')).toThrow(/CPU numbers and ranges/);
    expect(() => validateCpuList('a', '--cpuset-cpus')).toThrow(/CPU numbers and ranges/);
  });

  it('lays update changes over current limits; shares and weight replace each other', () => {
    expect(mergeLimits({ memory: 1, cpuShares: 512 }, { memory: 2 })).toEqual({ memory: 2, cpuShares: 512 });
    expect(mergeLimits({ cpuShares: 512 }, { cpuWeight: 50 })).toEqual({ cpuWeight: 50 });
  });
});
