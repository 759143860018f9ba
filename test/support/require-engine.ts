import { execFileSync } from 'node:child_process';
import { REGISTRY } from './images';

/**
 * Global setup of the engine and browser suites: they FAIL (never skip) when the Docker engine or the
 * local registry is missing. `npm test` runs scripts/test-env.sh first, which starts both.
 */
export default function requireEngine(): void {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 15_000 });
  } catch (e) {
    throw new Error(`No Docker engine is reachable (${(e as Error).message.split('\n')[0]}). Run \`npm run test-env\` (root on Debian) or start Docker.`);
  }
  try {
    execFileSync('curl', ['-fs', '--max-time', '3', `http://${REGISTRY}/v2/`], { stdio: 'pipe' });
  } catch {
    throw new Error(`The local test registry on ${REGISTRY} is not running. Run \`npm run test-env\`.`);
  }
}
