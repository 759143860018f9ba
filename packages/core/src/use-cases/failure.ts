/**
 * Why a container's last run ended badly, read from docker's own record of it (`State`: OOMKilled, ExitCode,
 * Error) and said the way a user understands it. Docker resets that record at the next successful start,
 * so a reason shows exactly until then.
 */
import { translateDockerError } from '../model/errors';
import type { InstanceFailure } from '../model/instance';
import type { ContainerStateRecord } from '../docker/containers';

export function failureFromState(state: ContainerStateRecord): InstanceFailure | undefined {
  const at = state.finishedAt ? { at: state.finishedAt } : {};
  if (state.oomKilled) {
    return {
      kind: 'out-of-memory',
      summary: 'Stopped by the kernel: it ran out of memory. Raise its memory limit (Edit) or give Docker more memory.',
      exitCode: state.exitCode,
      ...at,
    };
  }
  if (state.error) {
    return { kind: 'start-failed', summary: `Could not start: ${translateDockerError(state.error)}.`, exitCode: state.exitCode, ...at };
  }
  if (state.status === 'dead') return { kind: 'crashed', summary: 'Docker could not stop or remove it cleanly (dead).', exitCode: state.exitCode, ...at };
  if (state.status !== 'exited') return undefined;
  if (state.exitCode === 137) {
    return {
      kind: 'killed',
      summary: 'Killed (exit 137): by "docker kill", or because it did not stop within its stop timeout.',
      exitCode: 137,
      ...at,
    };
  }
  if (state.exitCode !== 0 && state.exitCode !== 143) {
    return { kind: 'crashed', summary: `Stopped by itself with exit code ${state.exitCode}: see its last log lines.`, exitCode: state.exitCode, ...at };
  }
  return undefined;
}

/**
 * Whether the container's log shows an init file that failed: the images print "running
 * /docker-entrypoint-initdb.d/<file>" before each one and "… init process complete" (or "done") once all of
 * them ran, so a file named last without that line after it is the one that failed. Its first error line
 * (psql's "…:3: ERROR: …", MariaDB's "ERROR 1064 … at line 3: …") says why. A later start finds the data
 * folder not empty and skips the init files: its log adds neither line, so the failure stays readable.
 */
export function initFailureFromLogs(lines: readonly string[]): { file: string; error?: string } | undefined {
  let file: string | undefined;
  let after: string[] = [];
  for (const line of lines) {
    const running = /running \/docker-entrypoint-initdb\.d\/(\S+)\s*$/.exec(line);
    if (running) {
      file = running[1];
      after = [];
    } else if (/init process (complete|done)/i.test(line)) {
      file = undefined;
    } else if (file) {
      after.push(line);
    }
  }
  if (!file) return undefined;
  // The client's own line first (it names the line in the file); else the server's, else any error.
  const error = (after.find((l) => /^psql:.*\bERROR\b/.test(l) || /^ERROR \d+/.test(l)) ?? after.find((l) => /\bERROR\b|\berror:/i.test(l)))?.trim();
  // psql names the file and line itself: "psql:/docker-entrypoint-initdb.d/01-x.sql:3: ERROR:  …" → "line 3: ERROR: …".
  const said = error?.replace(/^psql:\S*?:(\d+):\s*/, 'line $1: ').replace(/\s{2,}/g, ' ');
  // Dockbase names each init file by its position (`02-` + the user's name: seedFileName): the user's name is said.
  const name = file.replace(/^\d{2}-/, '');
  return { file: name, ...(said ? { error: said.length > 300 ? `${said.slice(0, 299)}…` : said } : {}) };
}

/** The failure an init file left: shown until the data is made again, and a start refused meanwhile. */
export function initFailure(found: { file: string; error?: string }, exitCode?: number): InstanceFailure {
  return {
    kind: 'init-failed',
    summary: `Init failed: ${found.file}${found.error ? `: ${found.error}` : ''}. Its data folder is only partly initialised, and a start would serve it as if it were complete: delete it with its data and create it again with a corrected file.`,
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
}
