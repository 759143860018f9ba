import { DockbaseError } from '@dockbase/core';
import { UsageError } from '../exit-codes';
import { findInstance } from '../instances';
import type { CommandModule } from './command';

interface LogsOptions {
  follow?: boolean;
  tail: string;
}

export const logs: CommandModule = {
  register(program, app) {
    program
      .command('logs')
      .description("print an instance's log (its server's output)")
      .argument('<name>', 'the instance')
      .option('-f, --follow', 'keep printing new lines until Ctrl-C')
      .option('-n, --tail <lines>', 'only the last N lines, or "all"', 'all')
      .action(async (name: string, options: LogsOptions) => {
        const tail = options.tail === 'all' ? 'all' : /^\d+$/.test(options.tail) ? Number(options.tail) : undefined;
        if (tail === undefined) throw new UsageError(`--tail takes a number of lines or "all", not ${JSON.stringify(options.tail)}.`);
        const dockbase = app.dockbase();
        const instance = await findInstance(dockbase, name);
        if (!options.follow) {
          const lines = await dockbase.lifecycle.logs(instance, tail);
          if (lines.length > 0) app.io.stdout.write(`${lines.join('\n')}\n`);
          return;
        }
        // Until Ctrl-C (the normal end: exit code 0) or until docker stops following (the container is gone).
        let interrupted = false;
        const handle = dockbase.lifecycle.followLogs(instance, (line) => app.io.stdout.write(`${line}\n`), tail);
        const off = app.io.onInterrupt(() => {
          interrupted = true;
          handle.cancel();
        });
        const code = await handle.done.finally(off);
        if (!interrupted && code !== 0) throw new DockbaseError('command-failed', `Following the log of ${instance.name} ended (docker exit code ${code}).`);
      });
  },
};
