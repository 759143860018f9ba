/** Size of what the tab loads first: the UI build's entry script and stylesheets, gzipped. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { round } from './stats';

const DIST = path.resolve(import.meta.dirname, '../ui/dist');

export interface BundleRow {
  files: string[];
  jsGzipKb: number;
  cssGzipKb: number;
  totalGzipKb: number;
}

export function benchBundle(): BundleRow {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  // Everything index.html loads up front: module scripts, modulepreloads and stylesheets.
  const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  let js = 0;
  let css = 0;
  for (const ref of refs) {
    const size = zlib.gzipSync(fs.readFileSync(path.join(DIST, ref)), { level: 9 }).length;
    if (ref.endsWith('.css')) css += size;
    else js += size;
  }
  return { files: refs, jsGzipKb: round(js / 1024), cssGzipKb: round(css / 1024), totalGzipKb: round((js + css) / 1024) };
}
