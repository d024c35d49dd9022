/**
 * Pure: where the user mounts go in the engine's mount tree. Generated files (/etc/hosts, ...) are
 * bound after them, so that `-v vol:/etc` neither copies them into the volume nor hides them. A
 * user mount of one of those files replaces the generated one, and a host directory bound over
 * their directory (`-v $HOME/etc:/etc`) is left alone: no mount point files are made in it.
 */
import type { MountType } from '../mounts/mount-spec';
import type { MountStep } from './mount-plan';

export interface SplitPlan {
  readonly beforeUser: MountStep[];
  readonly generated: MountStep[];
}

/** A user mount as applied: its destination after resolution inside the rootfs. */
export interface AppliedMount {
  readonly type: MountType;
  readonly destination: string;
}

export function splitAroundUserMounts(steps: readonly MountStep[]): SplitPlan {
  const isGenerated = (s: MountStep): boolean => s.kind === 'mount' && s.replace === true;
  return { beforeUser: steps.filter((s) => !isGenerated(s)), generated: steps.filter(isGenerated) };
}

const isUnder = (target: string, dir: string): boolean => target.startsWith(`${dir}/`);

/** The generated-file mounts that still apply once the user mounts are in place. */
export function generatedMountsToApply(generated: readonly MountStep[], applied: readonly AppliedMount[]): MountStep[] {
  return generated.filter((s) => !applied.some((m) => m.destination === s.target || (m.type === 'bind' && isUnder(s.target, m.destination))));
}
