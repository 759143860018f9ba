import type { Command } from 'commander';
import type { CliApp } from '../app';

/**
 * One command of the CLI: it adds itself to the program (arguments, options, help) and runs one use case of
 * the core. Errors are thrown as they come (the core's DockbaseError, or UsageError); main maps them to the
 * exit code and the message. Adding a command (snapshot, restore, ...) is one such module in commands/index.ts.
 */
export interface CommandModule {
  register(program: Command, app: CliApp): void;
}

/** --json, the same wording everywhere. */
export const JSON_OPTION = ['--json', 'print JSON on stdout, for scripts'] as const;
