/**
 * Which containers and volumes are Dockbase's. A container is an instance only when it carries Dockbase's
 * instance label ITSELF: docker merges an image's labels into its containers', and `docker ps --filter
 * label=…` cannot tell them apart, so a container run by hand from an image built with Dockbase's labels
 * would otherwise pass for an instance (and name any volume as its data). Its labels are compared with its
 * image's (see isOwnInstance): that takes two `inspect` calls, so it is done before changing a container,
 * not for every refresh of the list.
 */
import { inspectContainerArgs, parseInspect } from '../docker/containers';
import { imageLabelsArgs, parseImageLabels } from '../docker/images';
import { volumeInspectArgs, parseVolumeInspect } from '../docker/volumes';
import { DockbaseError, commandFailed } from '../model/errors';
import type { VolumeClaim } from '../docker/command-shape';
import { LABEL, isOwnInstance, isOwnUpgradeWorker, isUpgradeTransferVolume } from '../model/labels';
import type { DockerRunner } from '../docker/runner';

export type Ownership =
  | { managed: true; /** Its labels (for a container: its own and its image's, merged). */ labels: Record<string, string> }
  | { managed: false; /** Why not, in words for the user. */ reason: string; /** It does not exist (any more). */ gone?: true };

const NO_SUCH = /No such (container|object|image|volume)/i;

/**
 * How a bridge that checks ownership itself (the standalone host) words its refusal of a call on something
 * that is not Dockbase's; `containerOwnership` reads the reason back, so the user gets the same message
 * whichever side noticed.
 */
export function notDockbasesText(what: string, reason: string): string {
  return `${what} is not Dockbase's (${reason})`;
}

function refusedAsNotDockbases(stderr: string): string | undefined {
  return /is not Dockbase's \(([^()]+)\)/.exec(stderr)?.[1];
}

/** Whether the container (by full id) is a Dockbase instance (or an upgrade's worker); docker failures other than "no such" throw. */
export async function containerOwnership(docker: DockerRunner, containerId: string): Promise<Ownership> {
  const r = await docker.inspect('container', containerId, inspectContainerArgs(containerId));
  if (r.code !== 0) {
    if (NO_SUCH.test(r.stderr)) return { managed: false, reason: 'the container no longer exists', gone: true };
    const refused = refusedAsNotDockbases(r.stderr);
    if (refused) return { managed: false, reason: refused };
    throw commandFailed('inspect the container', r.stderr);
  }
  const details = parseInspect(r.stdout);
  const worker = !details.labels[LABEL.instance] && details.labels[LABEL.helper] !== undefined;
  if (!details.labels[LABEL.instance] && !worker) return { managed: false, reason: 'it does not carry Dockbase’s labels' };
  const image = await docker.inspect('image-labels', details.imageId, imageLabelsArgs(details.imageId));
  if (image.code !== 0) {
    if (NO_SUCH.test(image.stderr)) return { managed: false, reason: 'its image, which could hold the labels, cannot be read' };
    throw commandFailed('inspect the container’s image', image.stderr);
  }
  // An upgrade's worker (a server without network on an instance's data) is Dockbase's as an instance is.
  if (worker ? !isOwnUpgradeWorker(details.labels, parseImageLabels(image.stdout)) : !isOwnInstance(details.labels, parseImageLabels(image.stdout))) {
    return { managed: false, reason: 'its Dockbase labels come from its image, so it was not created by Dockbase' };
  }
  return { managed: true, labels: details.labels };
}

/** Whether a volume is Dockbase's: an instance's data or a snapshot's (its own labels say so; volumes have no image). */
export async function volumeOwnership(docker: DockerRunner, name: string): Promise<Ownership> {
  const r = await docker.tryRun(volumeInspectArgs([name]));
  if (r.code !== 0) {
    if (NO_SUCH.test(r.stderr)) return { managed: false, reason: 'the volume does not exist', gone: true };
    throw commandFailed('inspect the volume', r.stderr);
  }
  const [volume] = parseVolumeInspect(r.stdout);
  return volume && (volume.labels[LABEL.volume] || volume.labels[LABEL.snapshot] || isUpgradeTransferVolume(volume.labels))
    ? { managed: true, labels: volume.labels }
    : { managed: false, reason: 'it is not a Dockbase data volume' };
}

/** What the user reads when Dockbase refuses to act on a container it did not create. */
export function notManaged(name: string, reason: string): DockbaseError {
  return new DockbaseError(
    'not-managed',
    `${name} is not managed by Dockbase: ${reason}. Dockbase leaves it and its volumes alone; use docker itself if you want to change or remove it.`,
  );
}

/** The labels that say whose a volume is: an instance's (id, name, data mount, engine), a snapshot's, a helper's. */
const IDENTITY_LABELS = [LABEL.instance, LABEL.name, LABEL.volume, LABEL.engine, LABEL.snapshot, LABEL.helper] as const;

/**
 * Whether a volume mounted with `claim.labels` may be: one that does not exist yet (docker creates it with
 * those labels), or Dockbase's own with the same owner. Every identity label both carry must agree, and they
 * must share at least one (volumes from before instance ids exist carry none, and match on the rest).
 * Anything else is refused: a mount of an existing volume ignores the labels it names, so without this a
 * `dockbase-…` volume that is not Dockbase's, or another instance's, could be mounted read-write and wiped.
 */
export async function claimOwnership(docker: DockerRunner, claim: VolumeClaim): Promise<Ownership> {
  const existing = await volumeOwnership(docker, claim.volume);
  if (!existing.managed) return existing.gone ? { managed: true, labels: {} } : existing;
  const shared = IDENTITY_LABELS.filter((k) => claim.labels[k] !== undefined && existing.labels[k] !== undefined);
  if (shared.length === 0 || shared.some((k) => claim.labels[k] !== existing.labels[k])) {
    return { managed: false, reason: 'it holds the data of another instance or snapshot' };
  }
  return existing;
}

/**
 * Containers known to be Dockbase's, by id, with their labels: found so by `containerOwnership`, or just
 * created by Dockbase itself. A container's labels and image never change, so neither does the verdict:
 * starts, stops and restarts do not inspect the same container again. Shared by the use cases of one core.
 */
export class OwnedContainers {
  private readonly labels = new Map<string, Record<string, string>>();
  constructor(private readonly max = 1000) {}
  get(containerId: string): Record<string, string> | undefined {
    return this.labels.get(containerId);
  }
  remember(containerId: string, labels: Record<string, string>): void {
    if (!containerId) return;
    if (this.labels.size >= this.max) this.labels.clear();
    this.labels.set(containerId, labels);
  }
}
