/** Defaults the create form offers: a unique name, a free port, a strong password. */
import type { EngineDefinition } from '../engines';

export function suggestName(engine: EngineDefinition, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const name = `${engine.id}-${n}`;
    if (!taken.has(name)) return name;
  }
}

/** The engine's default port when free, otherwise the next free one above it. */
export function suggestPort(engine: EngineDefinition, used: { has(port: number): boolean }): number {
  for (let p = engine.containerPort; p <= 65535; p++) if (!used.has(p)) return p;
  for (let p = 1024; p < engine.containerPort; p++) if (!used.has(p)) return p;
  return engine.containerPort;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * 24 characters from an unambiguous alphanumeric alphabet (≈ 140 bits), drawn without modulo bias from
 * the platform's CSPRNG. Alphanumeric keeps it safe in URIs, shells and every engine's configuration.
 */
export function generatePassword(length = 24): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHABET.length);
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length] as string);
    }
  }
  return out.join('');
}
