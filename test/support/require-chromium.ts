import fs from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Global setup of the browser suite: it FAILS (never skips) without Chromium. */
export default function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Run \`npm run test-env\` (installs Debian's chromium).`);
  }
}
