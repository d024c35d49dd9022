/**
 * Plain (non-TTY) pull output, line for line like podman:
 *   Trying to pull localhost:5000/busybox:latest...
 *   Getting image source signatures
 *   Copying blob 4abcf2066143 done
 *   Copying blob 9398808236ff skipped: already exists
 *   Copying config 7b5e3c3fd3cc done
 *   Writing manifest to image destination
 */
import { shortDigest, type PullEvent } from '@tsctr/engine/image/pull-events';

/** Pure: the line (without newline) an event prints, or undefined when it prints nothing. */
export function plainPullLine(event: PullEvent): string | undefined {
  switch (event.kind) {
    case 'trying':
      return `Trying to pull ${event.reference}...`;
    case 'candidate-failed':
      return `Error trying ${event.reference} from ${event.endpoint}: ${event.message}`;
    case 'manifest':
      return 'Getting image source signatures';
    case 'blob': {
      const what = event.role === 'config' ? 'config' : 'blob';
      if (event.state === 'done') return `Copying ${what} ${shortDigest(event.digest)} done`;
      if (event.state === 'exists') return `Copying ${what} ${shortDigest(event.digest)} skipped: already exists`;
      return undefined;
    }
    case 'writing':
      return 'Writing manifest to image destination';
  }
}
