/**
 * Pure: podman-shaped views of stored images for `images` (table, json, templates) and
 * `image inspect`. Input is ImageDetails (gathered by engine/image/image-catalog from the index, config and layers).
 */
import type { ImageDetails } from '@tsctr/engine/image/image-catalog';
import { formatAgo } from './human-duration';
import { formatSize } from './human-size';

/** `host/repo:tag` -> {repository, tag}; digest-only names have tag `<none>`. */
export function splitName(name: string): { repository: string; tag: string } {
  const at = name.indexOf('@');
  const base = at === -1 ? name : name.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return { repository: base.slice(0, colon), tag: at === -1 ? base.slice(colon + 1) : '<none>' };
  return { repository: base, tag: '<none>' };
}

export function createdDate(image: ImageDetails): Date {
  const text = image.config.created ?? image.pulledAt;
  const date = text ? new Date(text) : new Date(0);
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

/** Go's time.Time String() layout podman prints in CreatedAt-like fields: 2024-01-02 03:04:05 +0000 UTC. */
export function goTimeString(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

export function repoDigests(image: ImageDetails): string[] {
  const repos = [...new Set(image.names.map((n) => splitName(n).repository))];
  const digests = [...new Set([image.digest, image.manifestDigest])];
  return repos.flatMap((r) => digests.map((d) => `${r}@${d}`));
}

export function repoTags(image: ImageDetails): string[] {
  return image.names.filter((n) => !n.includes('@'));
}

/** One row per (repository, tag) like podman; an image with no names is one `<none>` row. */
export type ImageRow = {
  readonly Repository: string;
  readonly Tag: string;
  readonly ID: string;
  readonly Digest: string;
  readonly Created: string;
  readonly CreatedAt: string;
  readonly Size: string;
  readonly Names: readonly string[];
};

export const imageRowFields: readonly string[] = ['Repository', 'Tag', 'ID', 'Digest', 'Created', 'CreatedAt', 'Size', 'Names'];
export const imageRowHeaders: Readonly<Record<string, string>> = { ID: 'IMAGE ID', CreatedAt: 'CREATED AT' };

export function imageRows(images: readonly ImageDetails[], opts: { noTrunc: boolean; now: Date }): ImageRow[] {
  const sorted = [...images].sort((a, b) => createdDate(b).getTime() - createdDate(a).getTime());
  return sorted.flatMap((image): ImageRow[] => {
    const created = createdDate(image);
    const base = {
      ID: opts.noTrunc ? `sha256:${image.id}` : image.id.slice(0, 12),
      Digest: image.digest,
      Created: formatAgo(created, opts.now),
      CreatedAt: goTimeString(created),
      Size: formatSize(image.size),
      Names: image.names,
    };
    const names = repoTags(image);
    if (names.length === 0) return [{ Repository: '<none>', Tag: '<none>', ...base }];
    return names.map((n) => {
      const { repository, tag } = splitName(n);
      return { Repository: repository, Tag: tag, ...base };
    });
  });
}

/** The table `tsctr images` prints by default (columns as podman's; DIGEST with --digests). */
export function imageTableRows(rows: readonly ImageRow[], digests: boolean): string[][] {
  const header = digests ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE'] : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
  return [header, ...rows.map((r) => (digests ? [r.Repository, r.Tag, r.Digest, r.ID, r.Created, r.Size] : [r.Repository, r.Tag, r.ID, r.Created, r.Size]))];
}

/** `images --format json`: podman's ImageSummary fields. */
export function imageSummaryJson(image: ImageDetails) {
  const created = createdDate(image);
  const labels = image.config.config?.Labels ?? null;
  return {
    Id: image.id,
    ParentId: '',
    RepoTags: repoTags(image).length > 0 ? repoTags(image) : null,
    RepoDigests: repoDigests(image),
    Size: image.size,
    SharedSize: 0,
    VirtualSize: image.size,
    Labels: labels && Object.keys(labels).length > 0 ? labels : null,
    Containers: image.containers,
    Names: image.names.length > 0 ? [...image.names] : null,
    Digest: image.digest,
    History: image.names.length > 0 ? [...image.names] : null,
    Created: Math.floor(created.getTime() / 1000),
    CreatedAt: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** `image inspect`: podman's ImageData fields that tsctr knows. */
export function imageInspectJson(image: ImageDetails) {
  const cfg = image.config.config ?? {};
  const created = createdDate(image);
  const labels = cfg.Labels && Object.keys(cfg.Labels).length > 0 ? cfg.Labels : null;
  return {
    Id: image.id,
    Digest: image.digest,
    RepoTags: repoTags(image),
    RepoDigests: repoDigests(image),
    Parent: '',
    Comment: '',
    Created: created.toISOString(),
    Config: {
      ...(cfg.User ? { User: cfg.User } : {}),
      ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
      Env: cfg.Env ?? [],
      ...(cfg.Entrypoint ? { Entrypoint: cfg.Entrypoint } : {}),
      ...(cfg.Cmd ? { Cmd: cfg.Cmd } : {}),
      ...(cfg.Volumes ? { Volumes: cfg.Volumes } : {}),
      ...(cfg.WorkingDir ? { WorkingDir: cfg.WorkingDir } : {}),
      ...(labels ? { Labels: labels } : {}),
      ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
    },
    Version: '',
    Author: image.config.author ?? '',
    Architecture: image.config.architecture,
    Os: image.config.os,
    ...(image.config.variant ? { Variant: image.config.variant } : {}),
    Size: image.size,
    VirtualSize: image.size,
    GraphDriver: { Name: 'overlay', Data: {} },
    RootFS: { Type: image.config.rootfs.type, Layers: [...image.config.rootfs.diff_ids] },
    Labels: labels,
    Annotations: {},
    ManifestType: '',
    User: cfg.User ?? '',
    History: (image.config.history ?? []).map((h) => ({
      ...(h.created ? { created: h.created } : {}),
      ...(h.created_by ? { created_by: h.created_by } : {}),
      ...(h.author ? { author: h.author } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
      ...(h.empty_layer ? { empty_layer: true } : {}),
    })),
    NamesHistory: [...image.names],
  };
}
