import type { CommandModule } from 'yargs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TsctrError } from '@tsctr/engine/errors';
import { readContainerUsage } from '@tsctr/engine/cgroups/stats';
import { findContainer, listContainers, type ContainerRecord } from '@tsctr/engine/runtime/containers/store';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { formatJson } from '../output/json';
import { cpuPercent, renderStatsTable, statsJson, type StatsSample } from '../output/stats-view';

interface StatsArgs extends GlobalOptions {
  containers?: string[];
  /** yargs reads --no-stream as stream=false. */
  stream?: boolean;
  format?: string;
  interval?: number;
}

interface Previous {
  readonly cpuUsec: number;
  readonly at: number;
}

/** One reading per running container with a cgroup; CPU % against the previous reading (first: since start). */
function sample(records: readonly ContainerRecord[], previous: Map<string, Previous>): StatsSample[] {
  const now = Date.now();
  return records.flatMap((r) => {
    const dir = r.state.cgroupPath;
    if (dir === undefined || r.state.status !== 'running') return [];
    const usage = readContainerUsage(dir, r.state.pid);
    const before = previous.get(r.config.id) ?? { cpuUsec: 0, at: r.state.startedAt ? Date.parse(r.state.startedAt) : now };
    previous.set(r.config.id, { cpuUsec: usage.cpuUsec, at: now });
    return [{ id: r.config.id, name: r.config.name, usage, cpuPercent: cpuPercent(usage.cpuUsec - before.cpuUsec, now - before.at) }];
  });
}

async function selected(argv: StatsArgs): Promise<ContainerRecord[]> {
  const paths = storePathsFrom(argv);
  const refs = (argv.containers ?? []).map(String);
  if (refs.length === 0) return (await listContainers(paths)).filter((r) => r.state.status === 'running');
  const records = await Promise.all(refs.map((ref) => findContainer(paths, ref)));
  for (const r of records) {
    if (r.state.status !== 'running') throw new TsctrError(`container ${r.config.name} is not running: stats need a running container`);
    if (r.state.cgroupPath === undefined) throw new TsctrError(`container ${r.config.name} has no cgroup of its own (--cgroups=disabled, or a host without cgroup v2 delegation: see tsctr info): no stats`);
  }
  return records;
}

export const command: CommandModule<object, StatsArgs> = {
  command: 'stats [containers..]',
  describe: 'Show CPU, memory, network, block I/O and process use of running containers',
  builder: (y) =>
    y
      .positional('containers', { type: 'string', array: true, describe: 'Names or ids (default: every running container)' })
      .option('stream', { type: 'boolean', default: true, describe: 'Keep printing readings (--no-stream: print one and exit)' })
      .option('format', { type: 'string', describe: 'json or table' })
      .option('interval', { alias: 'i', type: 'number', default: 2, describe: 'Seconds between readings when streaming' }) as never,
  handler: async (argv) => {
    if (argv.format !== undefined && argv.format !== 'json' && argv.format !== 'table') throw new TsctrError(`invalid --format "${argv.format}": use json or table`);
    const interval = Number(argv.interval ?? 2);
    if (!(interval > 0)) throw new TsctrError(`invalid --interval "${argv.interval}": give a positive number of seconds`);
    const previous = new Map<string, Previous>();
    for (;;) {
      const samples = sample(await selected(argv), previous);
      const text = argv.format === 'json' ? formatJson(samples.map(statsJson)) : renderStatsTable(samples);
      if (argv.stream === false) {
        process.stdout.write(text);
        return;
      }
      // Streaming on a terminal redraws in place, like podman.
      process.stdout.write(process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
      await sleep(interval * 1000);
    }
  },
};
