/** The `dockbase` command line: commander for parsing and help, the commands' modules, one exit-code mapping. */
import { Command, CommanderError } from 'commander';
import { isDockbaseError, InvalidInputError } from '@dockbase/core';
import type { DockerCli } from '@dockbase/docker-cli';
import { createApp, type Io } from './app';
import { IN_MEMORY_JOBS, recoverInterrupted, type JobsConfig } from './jobs';
import { COMMANDS } from './commands';
import { EXIT, EXIT_CODES_HELP, ReportedFailure, UsageError, exitCodeOf, type ExitCode } from './exit-codes';
import { VERSION } from './version';

export function createProgram(io: Io, docker: DockerCli, jobs?: JobsConfig): Command {
  return createProgramAndApp(io, docker, jobs).program;
}

function createProgramAndApp(io: Io, docker: DockerCli, jobs: JobsConfig = IN_MEMORY_JOBS) {
  const app = createApp(io, docker, jobs);
  const program = new Command('dockbase')
    .description(
      'Local database instances (PostgreSQL, MySQL, MariaDB, MongoDB, Redis, Valkey) as Docker containers.\nWithout a command, `dockbase` serves the UI in your browser (`dockbase ui`).',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show help for a command')
    // Program options only before the command, so that `create --version 17` is create's own option.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `\n${EXIT_CODES_HELP}\n\nInstances made here show up in the Docker Desktop tab and the other way round: their labels say what they are.`,
    )
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    });
  for (const command of COMMANDS) command.register(program, app);
  // Errors end the parse instead of the process: main decides the exit code, in one place.
  const overrideExit = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(overrideExit);
  };
  overrideExit(program);
  return { program, app };
}

/** Words that only print (help, the version): they run no docker, and recover nothing. */
const PRINT_ONLY = new Set(['help', '--help', '-h', '--version', '-V']);

/** Runs the command line (`argv` without node and the script) and resolves with its exit code. */
export async function runCli(argv: readonly string[], io: Io, docker: DockerCli, jobs: JobsConfig = IN_MEMORY_JOBS): Promise<ExitCode> {
  const { program, app } = createProgramAndApp(io, docker, jobs);
  try {
    if (!argv.some((a) => PRINT_ONLY.has(a))) await recoverInterrupted(app, jobs);
    // Without a command, `ui` runs (the default); an unknown word is not handed to it as an argument.
    const first = argv[0];
    if (first !== undefined && !first.startsWith('-') && !program.commands.some((c) => c.name() === first || c.aliases().includes(first)) && first !== 'help') {
      program.error(`error: unknown command '${first}'. Commands: ${program.commands.map((c) => c.name()).join(', ')}.`, {
        code: 'commander.unknownCommand',
        exitCode: EXIT.usage,
      });
    }
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    const code = exitCodeOf(e);
    // commander has already printed its own message (and the help hint); the rest is ours to say.
    if (e instanceof CommanderError || e instanceof ReportedFailure) return code;
    if (argv.includes('--json')) io.stderr.write(`${JSON.stringify({ error: errorJson(e, code) })}\n`);
    else io.stderr.write(`${errorText(e)}\n`);
    return code;
  }
}

/** Every message of the error: one per field at fault for invalid input, each worded by the core as the tab shows it. */
function messagesOf(e: unknown): string[] {
  if (e instanceof InvalidInputError) return Object.entries(e.fields).map(([field, message]) => new InvalidInputError({ [field]: message }).message);
  return [e instanceof Error ? e.message : String(e)];
}

function errorText(e: unknown): string {
  return messagesOf(e)
    .map((m) => `Error: ${m}`)
    .join('\n');
}

/** The error for --json callers (on stderr): the core's code and field, the messages, the exit code. */
function errorJson(e: unknown, exitCode: ExitCode) {
  const [message, ...more] = messagesOf(e);
  return {
    code: isDockbaseError(e) ? e.code : e instanceof UsageError ? 'usage' : 'failed',
    message,
    ...(more.length > 0 ? { more } : {}),
    ...(isDockbaseError(e) && e.field ? { field: e.field } : {}),
    exitCode,
  };
}
