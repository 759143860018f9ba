import { HostFileError, type HostFileErrorCode, type HostFiles } from '@dockbase/docker-cli';
import { FILES_SAVE_PATH, FILES_SEND_PATH, type FileSaveRequest, type FileSendRequest } from '../protocol';
import { errorMessage, hostErrorText, safeJson, type HostPost } from './bridge';

/** `docker.cli.dockbaseFiles` (HOST_FILES_MARKER): HostFiles over the host's file bridge. */
export function createHostFiles(post: HostPost): HostFiles {
  /** One copy through the file bridge: its answer, or a HostFileError (the copy's own, the host's refusal, cancelled). */
  async function copy<T>(path: string, body: FileSaveRequest | FileSendRequest, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await post(path, body, signal);
    } catch (e) {
      if (signal?.aborted) throw new HostFileError('cancelled', 'cancelled');
      throw new HostFileError('docker', `cannot reach the Dockbase host: ${errorMessage(e)}`);
    }
    if (response.status === 422) {
      const failure = safeJson(await response.text()) as { error?: unknown; code?: unknown } | undefined;
      throw new HostFileError(String(failure?.code ?? 'docker') as HostFileErrorCode, String(failure?.error ?? 'the copy failed'));
    }
    if (!response.ok) throw new HostFileError('docker', await hostErrorText(response));
    return (await response.json()) as T;
  }

  return {
    save: (args, to, options = {}) => copy(FILES_SAVE_PATH, { args: [...args], to: { ...to } }, options.signal),
    send: (args, from, options = {}) => copy(FILES_SEND_PATH, { args: [...args], from: { ...from } }, options.signal),
  };
}
