import { useCallback, useState } from 'react';
import { type Instance, maskedConnectionString } from '@dockbase/core';
import { useAppServices } from '../shared/context';
import { errorMessage } from '../shared/errors';
import { useCredentialCheck } from '../shared/useCredentialCheck';

export interface ConnectionState {
  /** What to show: the masked string, or the real one once revealed. */
  text: string;
  revealed: boolean;
  loading: boolean;
  toggleReveal(): void;
  copy(): void;
}

/**
 * The instance's connection string: masked by default; reveal and copy read the real one from docker. A
 * string whose password does not open the data is never given out: the first reveal or copy checks it
 * (engines that keep the password in their data), and a refused one is said instead.
 */
export function useConnection(instance: Instance): ConnectionState {
  const { dockbase, desktop } = useAppServices();
  const { ensure } = useCredentialCheck(instance);
  // Keyed by what the string depends on, so a changed port never shows an old string.
  const key = `${instance.id}:${instance.hostPort}`;
  const [revealed, setRevealed] = useState<{ key: string; uri: string } | undefined>();
  const [loading, setLoading] = useState(false);

  /** False (with a toast) when the password is known not to open the data. */
  const usable = useCallback(async () => {
    const state = await ensure();
    if (state?.status !== 'rejected') return true;
    desktop.toast.error(state.message);
    return false;
  }, [ensure, desktop]);

  const toggleReveal = useCallback(() => {
    if (revealed?.key === key) {
      setRevealed(undefined);
      return;
    }
    setLoading(true);
    usable()
      .then((ok) => (ok ? dockbase.lifecycle.connection(instance).then((c) => setRevealed({ key, uri: c.uri })) : undefined))
      .catch((e: unknown) => desktop.toast.error(errorMessage(e)))
      .finally(() => setLoading(false));
  }, [dockbase, desktop, instance, key, revealed, usable]);

  const copy = useCallback(() => {
    usable()
      .then((ok) =>
        ok
          ? dockbase.lifecycle
              .connection(instance)
              .then((c) => desktop.copyText(c.uri))
              .then(() => desktop.toast.success(`Connection string of ${instance.name} copied.`))
          : undefined,
      )
      .catch((e: unknown) => desktop.toast.error(errorMessage(e)));
  }, [dockbase, desktop, instance, usable]);

  const shown = revealed?.key === key ? revealed.uri : undefined;
  return { text: shown ?? maskedConnectionString(instance), revealed: shown !== undefined, loading, toggleReveal, copy };
}
