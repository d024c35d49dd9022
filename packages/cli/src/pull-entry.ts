/**
 * The pull as `run` and `create` load it when the image is missing: the registry client, the
 * extraction and the progress bars. Its own bundle when tsctr runs from bundles
 * (dist-bundle/tsctr-pull.bundle.js), so that `run` of a present image does not load them.
 */
export { pullImage } from '@tsctr/engine/image/pull';
export { createPullReporter } from './output/pull-bars';
