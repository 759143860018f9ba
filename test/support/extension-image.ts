import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

/**
 * The extension image scripts/test-env.sh builds from the Dockerfile (scripts/build-extension.sh) and
 * describes in $DOCKBASE_TEST_STATE/extension-image.json.
 */
export interface ExtensionImageReport {
  image: string;
  nodeImage: string;
  sizeBytes: number;
  buildSeconds: number;
  builtAt: string;
  ca: boolean;
}

export const STATE_DIR = process.env.DOCKBASE_TEST_STATE ?? '/var/tmp/dockbase-test-env';
export const EXTENSION_REPORT = `${STATE_DIR}/extension-image.json`;

export function extensionImage(): ExtensionImageReport {
  if (!fs.existsSync(EXTENSION_REPORT)) {
    throw new Error(`The extension image has not been built (${EXTENSION_REPORT} is missing). Run \`npm run test-env\`.`);
  }
  const report = JSON.parse(fs.readFileSync(EXTENSION_REPORT, 'utf8')) as ExtensionImageReport;
  try {
    execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', report.image], { stdio: 'pipe' });
  } catch {
    throw new Error(`The extension image ${report.image} is gone from the engine. Run \`npm run test-env\`.`);
  }
  return report;
}

/** One HTTP request over a unix socket (how Docker Desktop reaches the backend). */
export function socketRequest(socketPath: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, method, path, headers: data ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown = text;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}
