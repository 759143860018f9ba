import { useCallback } from 'react';
import { useAppServices } from './context';
import { errorMessage } from './errors';

/** Copies a text to the clipboard and confirms (or explains the failure) in a toast. */
export function useCopyText(): (text: string, what: string) => void {
  const { desktop } = useAppServices();
  return useCallback(
    (text: string, what: string) => {
      desktop
        .copyText(text)
        .then(() => desktop.toast.success(`${what} copied.`))
        .catch((e: unknown) => desktop.toast.error(`Could not copy: ${errorMessage(e)}`));
    },
    [desktop],
  );
}
