import { readConfig } from './config.js';
import { buildServer, listen } from './server.js';

const config = readConfig(process.argv.slice(2), process.env);
const app = buildServer();
const address = await listen(app, config);
console.log(`dockbase backend listening on ${address}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
