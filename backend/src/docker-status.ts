import type { DockerAccess } from './docker-access.js';

export interface DockerStatusOptions {
  /** Asks the engine (checkDockerAccess from ./docker-access.js, bound to the backend's docker client). */
  check: () => Promise<DockerAccess>;
  /** A result is asked again when it is older than this (30 s). */
  maxAgeMs?: number;
  /** How long GET /health waits for a check in flight before it answers with what it knew (250 ms). */
  waitMs?: number;
  now?: () => number;
}

/** Before the first check has answered (health waits only briefly for it). */
const CHECKING: DockerAccess = { ok: false, reason: 'Dockbase is still checking whether it can reach docker' };

/**
 * Whether the backend can run docker, for GET /health: checked once at start-up (`check`), then again when
 * asked and the last answer is more than 30 s old — at most one check at a time, and never more often. Health
 * must answer within the host's second, so it waits for a check only a moment and otherwise says what it knew.
 */
export class DockerStatus {
  private last: DockerAccess | undefined;
  private checkedAt = -Infinity;
  private inFlight: Promise<DockerAccess> | undefined;
  private readonly maxAgeMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(private readonly options: DockerStatusOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.waitMs = options.waitMs ?? 250;
    this.now = options.now ?? Date.now;
  }

  /** Checks now (start-up), or joins the check in flight: resolves with its answer. */
  check(): Promise<DockerAccess> {
    return this.inFlight ?? this.refresh();
  }

  /** The latest answer, checked again first when it is stale (waiting at most `waitMs` for that). */
  async current(): Promise<DockerAccess> {
    const pending = this.inFlight ?? (this.now() - this.checkedAt >= this.maxAgeMs ? this.refresh() : undefined);
    if (pending) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.waitMs)));
      await Promise.race([pending, late]);
      clearTimeout(timer);
    }
    return this.last ?? CHECKING;
  }

  private refresh(): Promise<DockerAccess> {
    this.checkedAt = this.now();
    const check = this.options
      .check()
      .catch((err: unknown): DockerAccess => ({ ok: false, reason: `the docker check failed: ${err instanceof Error ? err.message : String(err)}` }))
      .then((answer) => {
        this.last = answer;
        this.checkedAt = this.now();
        return answer;
      })
      .finally(() => {
        if (this.inFlight === check) this.inFlight = undefined;
      });
    this.inFlight = check;
    return check;
  }
}
