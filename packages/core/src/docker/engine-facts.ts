/**
 * Facts about the Docker engine that change how instances are made, read through the DockerCli port (one
 * `docker version`) and kept for the life of the core instance: the engine does not change its API
 * version under a running tab, and creating an instance should not cost a docker call more.
 */
import { versionArgs, parseVersion } from './lifecycle';
import { BASELINE_CAPABILITIES, capabilitiesFrom, type EngineCapabilities } from './health';
import type { DockerRunner } from './runner';

export class EngineFacts {
  private known: Promise<EngineCapabilities> | undefined;
  /** One `docker version` answers both the capabilities and the platform. */
  private versions: Promise<ReturnType<typeof parseVersion>> | undefined;

  constructor(private readonly docker: DockerRunner) {}

  /**
   * The engine's capabilities, read once. When `docker version` cannot tell (the daemon does not answer),
   * the baseline every supported engine has is returned and the next call asks again.
   */
  capabilities(): Promise<EngineCapabilities> {
    this.known ??= this.read().then((facts) => {
      if (!facts) this.known = undefined;
      return facts ?? BASELINE_CAPABILITIES;
    });
    return this.known;
  }

  /**
   * The engine's platform ("linux/arm64" on Apple silicon), which the images it runs must have; undefined when
   * the daemon does not say (asked again next time).
   */
  async platform(): Promise<string | undefined> {
    return (await this.readVersions())?.platform;
  }

  private async read(): Promise<EngineCapabilities | undefined> {
    const versions = await this.readVersions();
    if (!versions?.serverApi) return undefined;
    return capabilitiesFrom(versions);
  }

  private readVersions(): Promise<ReturnType<typeof parseVersion>> {
    // Without a daemon, `docker version` still prints the client's part and exits 1.
    this.versions ??= this.docker.cli
      .run(versionArgs())
      .then((r) => parseVersion(r.stdout))
      .catch(() => undefined)
      .then((v) => {
        if (!v?.serverApi) this.versions = undefined;
        return v;
      });
    return this.versions;
  }
}
