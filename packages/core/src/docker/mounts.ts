/** A named volume's `--mount` value as create, data helpers and upgrade workers write it, and its reader. */
import { after, dockbaseLabel, dockbaseVolumeName, mismatch } from './command-shape';

/** A volume mounted into a data helper container. */
export interface HelperMount {
  volume: string;
  target: string;
  readonly?: boolean;
  /** Labels for a volume the mount creates (ignored when it exists). */
  labels?: Record<string, string>;
}

/** `type=volume,source=<volume>,target=<path>[,readonly][,volume-label=<k>=<v>…]`. */
export function mountValue(m: { volume: string; target: string; readonly?: boolean; labels?: Readonly<Record<string, string>> }): string {
  const parts = ['type=volume', `source=${m.volume}`, `target=${m.target}`];
  if (m.readonly) parts.push('readonly');
  for (const [k, v] of Object.entries(m.labels ?? {})) parts.push(`volume-label=${k}=${v}`);
  return parts.join(',');
}

/**
 * Reads a `--mount` value back (the inverse of mountValue): a Dockbase data volume (`dockbase-…`), labelled only
 * with Dockbase's labels. Where it goes is for the caller to check. `who` names the containers in messages ("helpers").
 */
export function readMount(spec: string, who: string): HelperMount {
  const [type, source, target, ...rest] = spec.split(',');
  if (type !== 'type=volume') mismatch(`${who} mount named volumes only`);
  const volume = dockbaseVolumeName(after(source ?? '', 'source='));
  const readonly = rest[0] === 'readonly';
  const labels: Record<string, string> = {};
  for (const part of readonly ? rest.slice(1) : rest) {
    const [k, v] = dockbaseLabel(after(part, 'volume-label='), `${who} label new volumes with Dockbase’s labels only`);
    labels[k] = v;
  }
  return { volume, target: after(target ?? '', 'target='), ...(readonly ? { readonly } : {}), ...(Object.keys(labels).length > 0 ? { labels } : {}) };
}
