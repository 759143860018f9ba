/**
 * The logs panel's Download says what it saves, and saves exactly that: every line the panel holds, or only
 * the lines matching the search while there is one.
 */
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

/** What the browser was asked to save: the file's name and its text. */
let saved: Array<{ name: string; text: Promise<string> }>;

beforeEach(() => {
  saved = [];
  const blobs = new Map<string, Blob>();
  // jsdom has no object URLs and downloads nothing: the file handed to the browser is read here instead.
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:dockbase/${blobs.size}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.href);
    if (blob) saved.push({ name: this.download, text: blob.text() });
  });
});

afterEach(() => vi.restoreAllMocks());

describe('the logs panel’s Download', () => {
  it('says how many lines it saves, and saves only the matching ones while searching', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.log('cache', 'Server initialized');
    docker.log('cache', 'Ready to accept connections tcp');
    docker.log('cache', 'Background saving started');
    const { user } = renderApp({ docker, navigate: 'missing' });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Logs' }));
    const log = await screen.findByRole('log', { name: 'Logs of cache' });
    await within(log).findByText('Background saving started');
    const panel = screen.getByRole('dialog', { name: 'Logs: cache' });

    // No search: every line the panel holds.
    await user.click(within(panel).getByRole('button', { name: 'Download 3 lines' }));
    expect(saved.map((f) => f.name)).toEqual(['cache.log']);
    expect(await saved[0]!.text).toBe('Server initialized\nReady to accept connections tcp\nBackground saving started\n');

    // Searching: the button names the matching lines, and the file holds only them.
    const search = async (term: string) => {
      await user.clear(within(panel).getByRole('searchbox', { name: 'Search the log' }));
      await user.click(within(panel).getByRole('searchbox', { name: 'Search the log' }));
      await user.paste(term);
    };
    await search('ready');
    expect(await within(panel).findByText('1 of 3 lines match.')).toBeInTheDocument();
    expect(within(panel).queryByRole('button', { name: 'Download 3 lines' })).not.toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'Download 1 matching line' }));
    expect(saved[1]!.name).toBe('cache-matching.log');
    expect(await saved[1]!.text).toBe('Ready to accept connections tcp\n');

    await search('s');
    await waitFor(() => expect(within(panel).getByRole('button', { name: 'Download 3 matching lines' })).toBeEnabled());

    // Nothing matches: nothing to save.
    await search('no such line');
    expect(within(panel).getByRole('button', { name: 'Download 0 matching lines' })).toBeDisabled();
  });
});
