import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './require-chromium';

/**
 * Debian's Chromium, headless, with the flags these machines need (no sandbox as root, no GPU, no
 * background networking to Google). Playwright gives every launch a fresh temporary profile.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
