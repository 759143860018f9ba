import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeDocker } from '../../../test-support/fake-docker';
import { renderApp } from '../../../test-support/render-app';
import { failedModuleUrl, lazyPart } from './lazy-part';
import { PartBoundary } from './PartBoundary';

const CHROMIUM = 'Failed to fetch dynamically imported module: http://127.0.0.1:5174/assets/SnapshotsDialog-Bx1.js';

/** A part whose first `failures` downloads fail as Chromium's do. */
function flakyPart(failures: number) {
  const load = vi.fn(async () => {
    if (load.mock.calls.length <= failures) throw new TypeError('network changed');
    return { Snapshots: () => <p>the snapshots, loaded</p> };
  });
  return { load, Part: lazyPart(load, (m) => m.Snapshots) };
}

afterEach(() => {
  vi.doUnmock('./CreateInstanceDialog');
});

describe('parts of the tab loaded on first use', () => {
  it('come on the second try when the first download fails', async () => {
    const { load, Part } = flakyPart(1);
    render(
      <PartBoundary what="the snapshots">
        <Part />
      </PartBoundary>,
    );
    expect(await screen.findByText('the snapshots, loaded')).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('show a failure in their own place, the rest of the tab still there, and load on Try again', async () => {
    const { load, Part } = flakyPart(2);
    render(
      <>
        <p>the list</p>
        <PartBoundary what="the snapshots">
          <Part />
        </PartBoundary>
      </>,
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not show the snapshots: network changed');
    expect(screen.getByText('the list')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('the snapshots, loaded')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('read the address of the module that failed from the browser’s error, for a fresh second request', () => {
    expect(failedModuleUrl(new TypeError(CHROMIUM))).toBe('http://127.0.0.1:5174/assets/SnapshotsDialog-Bx1.js');
    expect(failedModuleUrl(new TypeError('error loading dynamically imported module: http://localhost:3000/assets/A-1.js'))).toBe(
      'http://localhost:3000/assets/A-1.js',
    );
    // Safari names no address: the second try asks for the part again the usual way.
    expect(failedModuleUrl(new TypeError('Importing a module script failed.'))).toBeUndefined();
    expect(failedModuleUrl(new TypeError('Failed to fetch dynamically imported module: javascript:alert(1)'))).toBeUndefined();
  });
});

describe('the tab when a dialog’s code cannot be downloaded', () => {
  it('keeps the list, says which dialog failed, and opens it once the download works', async () => {
    let failing = true;
    vi.doMock('../create/CreateInstanceDialog', async (importOriginal) => {
      if (failing) throw new TypeError('Failed to fetch dynamically imported module');
      return importOriginal();
    });
    const { user } = renderApp({ docker: new FakeDocker() });

    await user.click(await screen.findByRole('button', { name: 'Create your first instance' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not show the new-instance form');
    expect(screen.getByRole('button', { name: 'Create your first instance' })).toBeInTheDocument();

    failing = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
  });
});
