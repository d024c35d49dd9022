/**
 * Pure: where the user mounts go in the engine's mount tree. Generated files (/etc/hosts, ...) are
 * bound after them, so that `-v vol:/etc` neither copies them into the volume nor hides them, and
 * a user mount of one of those files replaces the generated one (docker's behaviour).
 */
import type { MountSpec } from '../mounts/mount-spec';
import type { MountStep } from './mount-plan';

export interface SplitPlan {
  readonly beforeUser: MountStep[];
  readonly afterUser: MountStep[];
}

export function splitAroundUserMounts(steps: readonly MountStep[], mounts: readonly MountSpec[]): SplitPlan {
  const userTargets = new Set(mounts.map((m) => m.destination));
  const generated = (s: MountStep): boolean => s.kind === 'mount' && s.replace === true;
  return {
    beforeUser: steps.filter((s) => !generated(s)),
    afterUser: steps.filter((s) => generated(s) && !userTargets.has(s.target)),
  };
}
