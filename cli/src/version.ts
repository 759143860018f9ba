/** The version of the published package: the workspace root's, the one scripts/pack.mjs writes. */
import { version } from '../../package.json';

export const VERSION: string = version;
