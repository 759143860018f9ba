import path from 'node:path';
import { readConfig } from './config.js';
import { HubTags } from './hub/tags.js';
import { dropPrivileges } from './privileges.js';
import { buildServer, listen } from './server.js';
import { Store } from './store/store.js';

try {
  const config = readConfig(process.argv.slice(2), process.env);
  // Before anything is opened: as root (the extension image), take the socket and data folders, drop root.
  const dropped = dropPrivileges(config.user, [...(config.socket ? [path.dirname(config.socket)] : []), config.dataDir]);
  const store = Store.open(config.dataDir);
  const hub = new HubTags({ hubUrl: config.hubUrl, ttlMs: config.hubCacheTtlSeconds * 1000 });
  const app = buildServer({ store, hub, logger: { level: 'warn' } });

  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Closing the server stops new requests, lets running ones finish, closes the database (so the
      // WAL is checkpointed) and, for a unix socket, removes the socket file.
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('dockbase backend: shutdown failed:', err);
          process.exit(1);
        },
      );
    });
  }

  const address = await listen(app, config);
  const runtime = `Node ${process.versions.node}, SQLite via ${store.driver}${dropped ? `, ${dropped}` : ''}`;
  console.log(`dockbase backend listening on ${address} (data in ${config.dataDir}; ${runtime})`);
} catch (err) {
  console.error('dockbase backend: cannot start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
