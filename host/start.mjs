// `npm start`: builds what is missing or out of date (UI, backend, host), then runs the standalone host.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

const argv = process.argv.slice(2);
const help = argv.includes('--help') || argv.includes('-h');
try {
  if (!help) await ensureBuilt(argv.includes('--no-backend') ? ['ui', 'host'] : ['ui', 'backend', 'host']);
  else await ensureBuilt(['host']);
} catch (e) {
  console.error(`Cannot start Dockbase: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
const { main } = await import('./dist/main.js');
await main(argv);
