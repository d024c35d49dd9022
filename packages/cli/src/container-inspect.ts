/** Pure: podman-shaped `inspect` JSON for a container record (the fields scripts rely on). */
import type { ContainerRecord } from '@tsctr/engine/runtime/containers/records';
import { containerDir, containerLogPath, containerMergedDir, containerUpperDir, containerWorkDir } from '@tsctr/engine/runtime/containers/layout';
import type { StorePaths } from '@tsctr/engine/storage/paths';
import { networkSettings } from './network-inspect';
import { inspectMounts } from './output/mount-views';
import { limitsHostConfig } from './output/limits-view';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectContainer(paths: StorePaths, r: ContainerRecord): Record<string, unknown> {
  const { config, state } = r;
  const running = state.status === 'running' || state.status === 'stopping';
  return {
    Id: config.id,
    Created: config.created,
    Path: config.process.args[0] ?? '',
    Args: config.process.args.slice(1),
    State: {
      Status: state.status,
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: state.oomKilled === true,
      Dead: false,
      Pid: running ? (state.pid ?? 0) : 0,
      ConmonPid: running ? (state.enginePid ?? 0) : 0,
      ExitCode: state.exitCode ?? 0,
      Error: state.error ?? '',
      StartedAt: state.startedAt ?? ZERO_TIME,
      FinishedAt: state.finishedAt ?? ZERO_TIME,
    },
    Image: config.image.id,
    ImageName: config.image.name,
    Rootfs: '',
    Name: config.name,
    RestartCount: 0,
    Driver: config.storageDriver,
    LogPath: containerLogPath(paths, config.id),
    StaticDir: containerDir(paths, config.id),
    Mounts: inspectMounts(paths, config.mounts ?? []),
    GraphDriver: {
      Name: config.storageDriver,
      Data: {
        LowerDir: config.image.layers.join(':'),
        UpperDir: containerUpperDir(paths, config.id),
        WorkDir: containerWorkDir(paths, config.id),
        MergedDir: containerMergedDir(paths, config.id),
      },
    },
    NetworkSettings: networkSettings(config.network),
    Config: {
      Hostname: config.hostname,
      User: config.process.user,
      Env: config.process.env,
      Cmd: config.cmd,
      Entrypoint: config.entrypoint,
      Image: config.image.name,
      WorkingDir: config.process.cwd,
      Labels: config.labels,
      StopSignal: config.stopSignal,
      StopTimeout: config.stopTimeout,
      Tty: config.process.terminal,
      OpenStdin: config.process.stdin,
      AttachStdin: config.process.stdin,
    },
    HostConfig: {
      AutoRemove: config.autoRemove,
      Init: config.init,
      Privileged: config.security.privileged,
      ReadonlyRootfs: config.security.readOnly,
      CapAdd: config.security.capAdd,
      CapDrop: config.security.capDrop,
      SecurityOpt: [
        ...(config.security.seccomp.kind === 'unconfined' ? ['seccomp=unconfined'] : config.security.seccomp.kind === 'file' ? [`seccomp=${config.security.seccomp.path}`] : []),
        ...(config.security.noNewPrivileges ? ['no-new-privileges'] : []),
      ],
      NetworkMode: config.network.mode,
      GroupAdd: config.process.groupAdd,
      UsernsMode: config.userns.mode === 'default' ? '' : config.userns.mode,
      IDMappings: {
        UidMap: config.userns.uidMap.map((e) => `${e.containerId}:${e.hostId}:${e.size}`),
        GidMap: config.userns.gidMap.map((e) => `${e.containerId}:${e.hostId}:${e.size}`),
      },
      LogConfig: { Type: 'k8s-file', Path: containerLogPath(paths, config.id) },
      ...limitsHostConfig(config),
    },
  };
}
