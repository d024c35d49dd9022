/** Pure: the rows `tsctr ps` prints (table, quiet ids, JSON), from container records. */
import type { ContainerRecord } from '@tsctr/engine/runtime/containers/records';
import { shortId } from '@tsctr/engine/runtime/containers/ids';
import { formatPortsColumn, psJsonPorts } from '@tsctr/engine/network/port-spec';
import { renderColumns } from './output/columns';
import { formatAgo } from './output/human-duration';
import { commandText, stateName, statusText } from './container-status';

export const PS_HEADER = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];

export function psRow(r: ContainerRecord, now: Date, noTrunc: boolean): string[] {
  return [
    noTrunc ? r.config.id : shortId(r.config.id),
    r.config.image.name,
    commandText(r.config.process.args, noTrunc),
    formatAgo(new Date(r.config.created), now),
    statusText(r.state, now),
    formatPortsColumn(r.config.network?.ports),
    r.config.name,
  ];
}

export function renderPsTable(records: readonly ContainerRecord[], now: Date, noTrunc: boolean): string {
  return renderColumns([PS_HEADER, ...records.map((r) => psRow(r, now, noTrunc))]);
}

/** One entry of `ps --format json` (podman's field names, the ones scripts use). */
export function psJson(r: ContainerRecord, now: Date): Record<string, unknown> {
  const { config, state } = r;
  const toUnix = (iso: string | undefined): number => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);
  return {
    AutoRemove: config.autoRemove,
    Command: config.process.args,
    Created: toUnix(config.created),
    CreatedAt: formatAgo(new Date(config.created), now),
    Exited: state.status === 'exited',
    ExitedAt: toUnix(state.finishedAt),
    ExitCode: state.exitCode ?? 0,
    Id: config.id,
    Image: config.image.name,
    ImageID: config.image.id,
    Labels: config.labels,
    Mounts: [],
    Names: [config.name],
    Pid: state.status === 'running' ? (state.pid ?? 0) : 0,
    Ports: psJsonPorts(config.network?.ports),
    StartedAt: toUnix(state.startedAt),
    State: stateName(state),
    Status: statusText(state, now),
  };
}

/** Fields offered to `ps --format '{{.Field}}'` templates. */
export function psTemplateRecord(r: ContainerRecord, now: Date, noTrunc: boolean): Record<string, unknown> {
  const [id, image, command, created, status, ports, names] = psRow(r, now, noTrunc);
  return { ...psJson(r, now), ID: id, Image: image, Command: command, CreatedAt: created, RunningFor: created, Status: status, Ports: ports, Names: names };
}
