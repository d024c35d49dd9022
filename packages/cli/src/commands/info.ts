import type { CommandModule } from 'yargs';
import * as fs from 'node:fs';
import { probeHostFacts, type HostFacts } from '@tsctr/engine/sys/host-facts';
import { containersDir } from '@tsctr/engine/storage/layout';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { TsctrError } from '@tsctr/engine/errors';
import { cliPackageJsonFile } from '@tsctr/engine/install-layout';
import { storePathsFrom, type GlobalOptions } from '../global-options';
import { formatJson } from '../output/json';
import { formatYamlish } from '../output/yamlish';
import { renderTemplate } from '../output/go-template';
import { countImages } from '@tsctr/engine/image/image-catalog';
import { probeCgroupSupport, type CgroupSupport } from '@tsctr/engine/cgroups/detect';
import { limitsSummary } from '@tsctr/engine/cgroups/plan';

interface InfoArgs extends GlobalOptions {
  format?: string;
}

/** Pure: the default mapping as podman info shows it (container 0 = the user, then the subordinate ranges). */
export function defaultMapping(ownId: number, ranges: readonly { start: number; count: number }[]) {
  const entries = [{ container_id: 0, host_id: ownId, size: 1 }];
  let next = 1;
  for (const r of ranges) {
    entries.push({ container_id: next, host_id: r.start, size: r.count });
    next += r.count;
  }
  return entries;
}

/** Pure: podman-like info record (keys as in `podman info --format json`, trimmed to what tsctr knows). */
export function buildInfo(facts: HostFacts, paths: StorePaths, driver: string, counts: { images: number; containers: number }, version: string, cgroups: CgroupSupport = probeCgroupSupport()) {
  const cgroupVersion = cgroups.version === 'hybrid' ? 'v1 (hybrid, v2 unified hierarchy without controllers)' : cgroups.version;
  const limits = limitsSummary(cgroups);
  const present = (p: string | undefined) => p ?? 'not found';
  return {
    host: {
      arch: facts.arch === 'x64' ? 'amd64' : facts.arch,
      os: facts.os,
      kernel: facts.kernel,
      cgroupVersion,
      cgroupControllers: [...cgroups.delegated],
      cgroupLimits: limits,
      idMappings: {
        uidmap: defaultMapping(facts.user.uid, facts.subuids),
        gidmap: defaultMapping(facts.user.gid, facts.subgids),
      },
      security: { rootless: facts.user.uid !== 0, user: facts.user.name, uid: facts.user.uid },
      features: {
        unprivilegedUserNamespaces: facts.unprivilegedUserNamespaces,
        overlayUserxattr: facts.overlayUserxattr,
        devFuse: facts.devices.fuse,
        devNetTun: facts.devices.tun,
      },
      programs: {
        newuidmap: present(facts.programs.newuidmap),
        newgidmap: present(facts.programs.newgidmap),
        fuseOverlayfs: present(facts.programs['fuse-overlayfs']),
        slirp4netns: present(facts.programs.slirp4netns),
        pasta: present(facts.programs.pasta),
      },
    },
    store: {
      graphRoot: paths.root,
      runRoot: paths.runRoot,
      graphDriverName: driver,
      imageStore: { number: counts.images },
      containerStore: { number: counts.containers },
    },
    version: { Version: version, NodeVersion: process.version },
  };
}

function countContainers(paths: StorePaths): number {
  try {
    return fs.readdirSync(containersDir(paths)).filter((n) => /^[0-9a-f]{64}$/.test(n)).length;
  } catch {
    return 0;
  }
}

export const command: CommandModule<object, InfoArgs> = {
  command: 'info',
  describe: 'Show the store paths, the storage driver and what this host supports',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'json, or a Go template such as {{.store.graphRoot}}' }) as never,
  handler: async (argv) => {
    const paths = storePathsFrom(argv);
    const facts = probeHostFacts();
    const driver = argv['storage-driver'] ?? (facts.overlayUserxattr ? 'overlay' : 'fuse-overlayfs');
    if (driver !== 'overlay' && driver !== 'fuse-overlayfs') throw new TsctrError(`unknown --storage-driver "${driver}": use overlay or fuse-overlayfs`);
    const pkg = JSON.parse(fs.readFileSync(cliPackageJsonFile(), 'utf8')) as { version: string };
    const info = buildInfo(facts, paths, driver, { images: await countImages(paths).catch(() => 0), containers: countContainers(paths) }, pkg.version);
    if (argv.format === 'json') process.stdout.write(formatJson(info));
    else if (argv.format) process.stdout.write(renderTemplate(argv.format, [info], Object.keys(info)));
    else process.stdout.write(formatYamlish(info));
  },
};
