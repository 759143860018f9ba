import requireEngine from './require-engine';
import { extensionImage } from './extension-image';

/** Global setup of the image suite: it FAILS (never skips) without the engine or the built image. */
export default function requireExtensionImage(): void {
  requireEngine();
  extensionImage();
}
