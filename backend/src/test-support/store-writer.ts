// A child process for the driver tests (store/drivers.test.ts): opens the store in `dataDir` on `driver` and
// writes until it is killed, printing each write's number on stdout once the call that made it returned
// (fs.writeSync: nothing printed is still in a buffer when the SIGKILL comes).
//   node --import tsx backend/src/test-support/store-writer.ts <dataDir> <driver>
import fs from 'node:fs';
import type { SqliteDriver } from '../store/sqlite.js';
import { Store } from '../store/store.js';

const [dataDir, driver] = process.argv.slice(2);
if (!dataDir || !driver) throw new Error('usage: store-writer.ts <dataDir> <driver>');
const store = Store.open(dataDir, driver as SqliteDriver);
store.put('base', { name: 'base', engine: 'postgres', settings: {} });
fs.writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  if (i % 2 === 0) store.put(`w-${i}`, { name: `w-${i}`, engine: 'redis', settings: { hostPort: (i % 60000) + 1 } });
  else store.addHistory('base', { action: `op-${i}`, outcome: 'ok' });
  fs.writeSync(1, `${i}\n`);
}
