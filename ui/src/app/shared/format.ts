/** Times as the data-safety dialogs show them (sizes: formatBytes from @dockbase/core, shared with the CLI). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** "1 table", "2 tables": the core's, as the CLI says it. */
export { count } from '@dockbase/core';

/** "volume a" or "volumes a, b": one word for one volume. */
export function volumesPhrase(volumes: readonly string[]): string {
  return `${volumes.length === 1 ? 'volume' : 'volumes'} ${volumes.join(', ')}`;
}
