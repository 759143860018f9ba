/**
 * Dockbase's operations over one DockerCli, one module per use case. Every front door (the Docker Desktop
 * tab, the standalone host, the CLI) builds this once and calls it.
 */
import type { DockerCli } from '@dockbase/docker-cli';
import { Backups } from './use-cases/backups';
import { InstanceCreation } from './use-cases/create';
import { Credentials } from './use-cases/credentials';
import { InstanceEditing } from './use-cases/edit';
import { Extensions } from './use-cases/extensions';
import { KeptDataCatalog } from './use-cases/kept-data';
import { EngineFacts } from './docker/engine-facts';
import type { EngineCapabilities } from './docker/health';
import { InstanceLifecycle } from './use-cases/lifecycle';
import { Liveness } from './use-cases/liveness';
import { pullImage, type PullOptions, type PullProgress } from './use-cases/pull';
import { Readiness } from './use-cases/readiness';
import { ResourceUsage } from './use-cases/resource-usage';
import { DockerRunner } from './docker/runner';
import { OwnedContainers } from './policy/ownership';
import type { Snapshot } from './model/snapshot-model';
import { Snapshots } from './use-cases/snapshots';
import { Upgrades } from './use-cases/upgrades';
import { Migrations } from './use-cases/migrate';
import { BranchCopies } from './use-cases/branch-copy';

export interface Dockbase {
  /** List, read, connect, start, stop, restart, unpause, delete, logs, events. */
  readonly lifecycle: InstanceLifecycle;
  /** Create, with its checks and rollback; the names and ports in use; the versions already downloaded. */
  readonly creation: InstanceCreation;
  /** Wait until a server answers, or until docker reports it healthy. */
  readonly readiness: Readiness;
  /** Ask a running server whether it answers, once or on the watch's cadence while someone looks. */
  readonly liveness: Liveness;
  /** Whether a password opens an instance's data; setting it there where the engine allows it. */
  readonly credentials: Credentials;
  /** Change port, exposure, password, restart policy, memory limit: the container replaced, with rollback. */
  readonly editing: InstanceEditing;
  /** The data deleted instances left behind. */
  readonly keptData: KeptDataCatalog;
  /** CPU, memory and data size, measured on request. */
  readonly resources: ResourceUsage;
  /** Take, list, restore, delete and clone snapshots of an instance's data volumes. */
  readonly snapshots: Snapshots;
  /** Export an instance to a file, import a file into it, with the engine's own tools. */
  readonly backups: Backups;
  /** Move an instance to a newer version with its data; roll it back. */
  readonly upgrades: Upgrades;
  /** A new instance of another engine from an instance's data (Redis → Valkey), the instance left as it was. */
  readonly migrations: Migrations;
  /** A copy of a project's instance for a git branch, in one copy of its data, serving on its port. */
  readonly branches: BranchCopies;
  /** PostgreSQL's extensions: what the server has, what each database has installed, Enable. */
  readonly extensions: Extensions;
  /** Pull an image with per-layer progress. */
  pull(ref: string, options?: PullOptions): Promise<PullProgress>;
  /** What the engine supports (its API version), read once by one `docker version`. */
  capabilities(): Promise<EngineCapabilities>;
}

export function createDockbase(cli: DockerCli): Dockbase {
  const docker = new DockerRunner(cli);
  const known = new OwnedContainers();
  const lifecycle = new InstanceLifecycle(docker, known);
  const engineFacts = new EngineFacts(docker);
  // Creation asks for the snapshots only when a volume it would mount exists (Snapshots needs creation to clone).
  const creation: InstanceCreation = new InstanceCreation(docker, engineFacts, (): Promise<Snapshot[]> => snapshots.list(), known);
  const readiness = new Readiness(docker, lifecycle);
  const credentials = new Credentials(docker, readiness);
  const snapshots = new Snapshots(docker, lifecycle, readiness, creation);
  return {
    lifecycle,
    creation,
    readiness,
    liveness: new Liveness(docker),
    credentials,
    editing: new InstanceEditing(
      docker,
      lifecycle,
      readiness,
      credentials,
      () => creation.usage(),
      () => engineFacts.capabilities(),
    ),
    keptData: new KeptDataCatalog(docker, () => snapshots.list()),
    resources: new ResourceUsage(docker),
    snapshots,
    backups: new Backups(docker, snapshots, credentials),
    upgrades: new Upgrades(docker, lifecycle, readiness, snapshots, engineFacts, credentials),
    migrations: new Migrations(docker, lifecycle, readiness, creation, snapshots),
    branches: new BranchCopies(docker, lifecycle, readiness, creation, () => engineFacts.capabilities()),
    extensions: new Extensions(docker, lifecycle),
    pull: (ref, options) => pullImage(docker, ref, options),
    capabilities: () => engineFacts.capabilities(),
  };
}
