/** What `pullImage` reports while it works, for progress bars and podman-like plain lines. */

export type BlobPullState = 'waiting' | 'downloading' | 'verifying' | 'extracting' | 'done' | 'exists';

export type PullEvent =
  /** A candidate reference (short names may have several, mirrors come first). */
  | { readonly kind: 'trying'; readonly reference: string; readonly endpoint: string }
  /** A candidate failed and the next one will be tried. */
  | { readonly kind: 'candidate-failed'; readonly reference: string; readonly endpoint: string; readonly message: string }
  /** The manifest is known; blobs follow. */
  | { readonly kind: 'manifest'; readonly reference: string; readonly digest: string; readonly layers: readonly BlobInfo[] }
  | {
      readonly kind: 'blob';
      readonly role: 'layer' | 'config';
      readonly digest: string;
      readonly bytes: number;
      readonly total: number;
      readonly state: BlobPullState;
    }
  | { readonly kind: 'warning'; readonly message: string }
  /** The image is being recorded in the store. */
  | { readonly kind: 'writing' };

export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
}

/** The 12 hex digits podman shows for ids and blobs. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}
