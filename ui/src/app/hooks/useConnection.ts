import { useCallback, useState } from 'react';
import { type Instance, maskedConnectionString } from '@dockbase/core';
import { useAppServices } from '../context';
import { errorMessage } from '../errors';

export interface ConnectionState {
  /** What to show: the masked string, or the real one once revealed. */
  text: string;
  revealed: boolean;
  loading: boolean;
  toggleReveal(): void;
  copy(): void;
}

/** The instance's connection string: masked by default; reveal and copy read the real one from docker. */
export function useConnection(instance: Instance): ConnectionState {
  const { dockbase, desktop } = useAppServices();
  // Keyed by what the string depends on, so a changed port never shows an old string.
  const key = `${instance.id}:${instance.hostPort}`;
  const [revealed, setRevealed] = useState<{ key: string; uri: string } | undefined>();
  const [loading, setLoading] = useState(false);

  const toggleReveal = useCallback(() => {
    if (revealed?.key === key) {
      setRevealed(undefined);
      return;
    }
    setLoading(true);
    dockbase.lifecycle
      .connection(instance)
      .then((c) => setRevealed({ key, uri: c.uri }))
      .catch((e: unknown) => desktop.toast.error(errorMessage(e)))
      .finally(() => setLoading(false));
  }, [dockbase, desktop, instance, key, revealed]);

  const copy = useCallback(() => {
    dockbase.lifecycle
      .connection(instance)
      .then((c) => desktop.copyText(c.uri))
      .then(() => desktop.toast.success(`Connection string of ${instance.name} copied.`))
      .catch((e: unknown) => desktop.toast.error(errorMessage(e)));
  }, [dockbase, desktop, instance]);

  const shown = revealed?.key === key ? revealed.uri : undefined;
  return { text: shown ?? maskedConnectionString(instance), revealed: shown !== undefined, loading, toggleReveal, copy };
}
