/** Pure: the platform a pull asks for (`--platform os/arch[/variant]`, `--arch`, or the host's). */
import { TsctrError } from '../errors';
import type { Descriptor, Platform } from 'oci-spec-types';
import type { PlatformWanted } from './pull-ports';

/** Node's process.arch -> the GOARCH names images use. */
const nodeToOciArch: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** Common spellings people type, normalised like containerd's platforms package. */
const archAliases: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' },
};

export function hostPlatform(arch: string = process.arch): PlatformWanted {
  return { os: 'linux', architecture: nodeToOciArch[arch] ?? arch };
}

function normaliseArch(architecture: string, variant?: string): { architecture: string; variant?: string } {
  const alias = archAliases[architecture];
  if (alias) return { architecture: alias.architecture, ...((variant ?? alias.variant) !== undefined && { variant: variant ?? alias.variant }) };
  return { architecture, ...(variant !== undefined && { variant }) };
}

/**
 * `--platform` wins over `--arch`; `--arch` keeps the host os. Values are checked for shape only:
 * whether the image offers them is decided against its index.
 */
export function wantedPlatform(opts: { platform?: string; arch?: string; variant?: string }, hostArch: string = process.arch): PlatformWanted {
  if (opts.platform !== undefined && opts.platform !== '') {
    const parts = opts.platform.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
      throw new TsctrError(`invalid --platform "${opts.platform}": expected os/arch or os/arch/variant, e.g. linux/arm64`);
    }
    const [os, arch, variant] = parts;
    return { os: os.toLowerCase(), ...normaliseArch(arch.toLowerCase(), variant ?? opts.variant) };
  }
  if (opts.arch !== undefined && opts.arch !== '') {
    if (!/^[A-Za-z0-9_.-]+$/.test(opts.arch)) throw new TsctrError(`invalid --arch "${opts.arch}": expected an architecture such as amd64 or arm64`);
    return { os: 'linux', ...normaliseArch(opts.arch.toLowerCase(), opts.variant) };
  }
  return { ...hostPlatform(hostArch), ...(opts.variant !== undefined && { variant: opts.variant }) };
}

export function formatPlatform(p: { os: string; architecture: string; variant?: string }): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Pure: whether an index entry's platform satisfies `wanted` (a missing wanted variant accepts any, preferring none/v8 by order). */
function platformMatches(entry: Descriptor, wanted: PlatformWanted): boolean {
  const p = entry.platform;
  if (!p || p.os !== wanted.os || p.architecture !== wanted.architecture) return false;
  return wanted.variant === undefined || p.variant === wanted.variant || (p.variant === undefined && wanted.architecture === 'arm64' && wanted.variant === 'v8');
}

/**
 * Pure: the index entry for `wanted`. Without a wanted variant the entry with no variant wins, then
 * the first match. No match: a TsctrError listing the platforms the image offers.
 */
export function choosePlatformManifest(manifests: readonly Descriptor[], wanted: PlatformWanted, reference: string): Descriptor {
  const matches = manifests.filter((m) => platformMatches(m, wanted));
  const best = matches.find((m) => m.platform?.variant === undefined) ?? matches[0];
  if (best) return best;
  const offered = [...new Set(manifests.filter((m) => m.platform && m.platform.os !== 'unknown').map((m) => formatPlatform(m.platform as Platform)))];
  throw new TsctrError(
    `${reference} has no image for ${formatPlatform(wanted)}; it offers ${offered.length > 0 ? offered.join(', ') : 'no platforms'}: choose one with --platform os/arch[/variant]`,
  );
}
