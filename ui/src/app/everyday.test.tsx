// Everyday use, component by component: the table view and its filters, states docker knows (paused, killed,
// out of memory, could not start), kept data and its password, editing, usage on request, kept volumes, the
// shell, logs, and what the page says when the host or the backend is gone.
import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIRST_PROBE_AFTER_MS, getEngine } from '@dockbase/core';
import { FakeBackend } from '../../test-support/fake-backend';
import { FakeDocker } from '../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../test-support/render-app';
import { UPTIME_TICK_MS, dockerDuration, parseDockerDuration } from './instances/uptime';

afterEach(() => {
  // Spies on timer functions first (one made over a fake timer would put the fake back), then the real timers.
  vi.restoreAllMocks();
  vi.useRealTimers();
});

let nextPort = 46000;
async function seedMany(docker: FakeDocker, names: string[], engine: 'redis' | 'postgres' = 'redis') {
  for (const name of names) await seedInstance(docker, { name, engine, hostPort: nextPort++ });
}

const rowNames = () => [...document.querySelectorAll<HTMLElement>('tr[data-instance]')].map((r) => r.dataset.instance);

/** Opens a filter's list, clicks each option (choosing or un-choosing it) and closes the list. */
async function toggleFilter(user: ReturnType<typeof renderApp>['user'], filter: 'Engine' | 'Status', ...options: string[]) {
  await user.click(screen.getByRole('combobox', { name: filter }));
  for (const option of options) await user.click(within(screen.getByRole('listbox')).getByText(option));
  await user.keyboard('{Escape}');
}

describe('the table view', () => {
  it('is the default past five instances, in natural order, with a count; the choice is remembered', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['m-10', 'm-2', 'm-1', 'cache', 'm-3', 'm-20']);
    const first = renderApp({ docker });
    await findRow('m-10');
    expect(rowNames()).toEqual(['cache', 'm-1', 'm-2', 'm-3', 'm-10', 'm-20']);
    expect(screen.getByText(/6 instances\./)).toBeInTheDocument();
    const row = await findRow('m-2');
    expect(within(row).getByText('Redis 8.2')).toBeInTheDocument();
    expect(within(row).getByText('Healthy')).toBeInTheDocument();
    expect(within(row).getByText(String(docker.byName('m-2').publish?.hostPort))).toBeInTheDocument();
    // Docker said "Up 2 seconds" as it listed them; the table's clock counts on from there (a busy machine may take a second to get here).
    expect(within(row).getByText(/^[23] seconds$/)).toBeInTheDocument();

    await first.user.click(screen.getByRole('button', { name: 'Card view' }));
    expect(await findInstance('m-2')).toBeInTheDocument();
    expect(window.localStorage.getItem('dockbase.viewMode')).toBe('cards');
    first.unmount();
    // A new session of the same user opens the cards it chose.
    renderApp({ docker });
    expect(await findInstance('m-10')).toBeInTheDocument();
    expect(rowNames()).toEqual([]);
  });

  it('searches by name, filters by engine and status, and says how many are shown', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['api-1', 'api-2', 'web-1', 'web-2']);
    await seedMany(docker, ['orders', 'billing'], 'postgres');
    docker.setExited('web-2', 0);
    const { user } = renderApp({ docker });
    await findRow('api-1');

    await user.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'WEB');
    await waitFor(() => expect(rowNames()).toEqual(['web-1', 'web-2']));
    expect(screen.getByText(/2 of 6 instances shown/)).toBeInTheDocument();
    await user.clear(screen.getByRole('searchbox', { name: 'Search by name' }));

    await toggleFilter(user, 'Engine', 'PostgreSQL');
    await waitFor(() => expect(rowNames()).toEqual(['billing', 'orders']));
    await toggleFilter(user, 'Engine', 'PostgreSQL');

    await toggleFilter(user, 'Status', 'Stopped');
    await waitFor(() => expect(rowNames()).toEqual(['web-2']));
  });

  it('offers Clear filters when nothing matches, which shows every instance again', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['api-1', 'api-2', 'web-1', 'web-2', 'web-3', 'web-4']);
    const { user } = renderApp({ docker });
    await findRow('api-1');
    await toggleFilter(user, 'Engine', 'PostgreSQL');
    await user.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'web');
    await waitFor(() => expect(rowNames()).toEqual([]));
    expect(screen.getByText('No instance matches the search and filters.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rowNames()).toEqual(['api-1', 'api-2', 'web-1', 'web-2', 'web-3', 'web-4']));
    expect(screen.getByRole('searchbox', { name: 'Search by name' })).toHaveValue('');
    expect(screen.getByRole('combobox', { name: 'Engine' })).toHaveTextContent('All');
    expect(screen.getByText(/6 instances\./)).toBeInTheDocument();
    expect(screen.queryByText('No instance matches the search and filters.')).not.toBeInTheDocument();
  });

  it('filters by the status the rows show: a server that answered is Running while docker says starting, a silent one Needs attention', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['steady', 'hung']);
    docker.healthOnStart = 'starting';
    await seedMany(docker, ['fresh']);
    docker.setServerReady('fresh');
    docker.setServerReady('hung', false);
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { user } = renderApp({ docker, fakeTimers: true, firstWatchProbe: 'now' });
    await findInstance('fresh');
    await user.click(screen.getByRole('button', { name: 'Table view' }));
    expect(await within(await findRow('fresh')).findByText('Healthy')).toBeInTheDocument();
    // The watch asks the others once the open has settled.
    await act(() => vi.advanceTimersByTimeAsync(FIRST_PROBE_AFTER_MS));
    expect(await within(await findRow('hung')).findByText('Unhealthy')).toBeInTheDocument();
    expect(docker.byName('fresh').health).toBe('starting');
    expect(docker.byName('hung').health).toBe('healthy');

    await toggleFilter(user, 'Status', 'Running');
    await waitFor(() => expect(rowNames()).toEqual(['fresh', 'steady']));
    await toggleFilter(user, 'Status', 'Running', 'Needs attention');
    await waitFor(() => expect(rowNames()).toEqual(['hung']));
  });

  it('stops the selected instances in bulk, and starts every instance shown', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['a-1', 'a-2', 'a-3', 'b-1', 'b-2', 'b-3']);
    const { user, desktop } = renderApp({ docker });
    await findRow('a-1');
    await user.click(within(await findRow('a-1')).getByRole('checkbox', { name: 'Select a-1' }));
    await user.click(within(await findRow('a-3')).getByRole('checkbox', { name: 'Select a-3' }));
    await user.click(screen.getByRole('button', { name: 'Stop selected (2)' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('Stopped 2 instances.'));
    expect(docker.byName('a-1').state).toBe('exited');
    expect(docker.byName('a-3').state).toBe('exited');
    expect(docker.byName('a-2').state).toBe('running');

    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'a-');
    await user.click(await screen.findByRole('button', { name: 'Start shown (2)' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('Started 2 instances.'));
    expect(['a-1', 'a-2', 'a-3', 'b-1'].map((n) => docker.byName(n).state)).toEqual(['running', 'running', 'running', 'running']);
  });

  it('selects only what is in sight, says how many: a row a filter hides is unselected, and so is every row when the cards show', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['a-1', 'a-2', 'a-3', 'b-1', 'b-2', 'b-3']);
    const { user } = renderApp({ docker });
    const checkbox = async (name: string) => within(await findRow(name)).getByRole('checkbox', { name: `Select ${name}` });
    await user.click(await checkbox('a-1'));
    await user.click(await checkbox('b-1'));
    expect(screen.getByText('2 selected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop selected (2)' })).toBeEnabled();

    // The search hides b-1: it leaves the selection, and stays out of it once shown again.
    await user.type(screen.getByRole('searchbox', { name: 'Search by name' }), 'a-');
    await waitFor(() => expect(rowNames()).toEqual(['a-1', 'a-2', 'a-3']));
    expect(screen.getByText('1 selected')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop selected (1)' })).toBeEnabled();
    await user.clear(screen.getByRole('searchbox', { name: 'Search by name' }));
    await waitFor(() => expect(rowNames()).toHaveLength(6));
    expect(await checkbox('b-1')).not.toBeChecked();
    expect(await checkbox('a-1')).toBeChecked();
    expect(screen.getByText('1 selected')).toBeInTheDocument();

    // The cards have no checkboxes: what was selected is no longer, and Stop applies to all they show.
    await user.click(screen.getByRole('button', { name: 'Card view' }));
    await findInstance('a-1');
    expect(screen.queryByText(/\d+ selected/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop all (6)' })).toBeEnabled();
    await user.click(screen.getByRole('button', { name: 'Table view' }));
    expect(await checkbox('a-1')).not.toBeChecked();

    await user.click(await checkbox('a-2'));
    await user.click(await checkbox('a-3'));
    expect(screen.getByText('2 selected')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear selection' }));
    expect(await checkbox('a-2')).not.toBeChecked();
    expect(await checkbox('a-3')).not.toBeChecked();
    expect(screen.queryByText(/\d+ selected/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Stop all (6)' })).toBeEnabled();
  });

  it('counts the uptimes on as time passes, with one clock for the whole table', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const intervals = vi.spyOn(globalThis, 'setInterval');
    const docker = new FakeDocker();
    await seedMany(docker, ['a', 'b', 'c', 'd', 'e', 'f']);
    docker.setExited('f', 0);
    renderApp({ docker, fakeTimers: true });
    // Docker said "Up 2 seconds" when the list was read; no docker call tells the time since.
    const row = await findRow('c');
    expect(within(row).getByText('2 seconds')).toBeInTheDocument();
    const listed = docker.count('ps');
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(within(row).getByText('5 seconds')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(within(row).getByText('About a minute')).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(4 * 60_000));
    expect(within(row).getByText('5 minutes')).toBeInTheDocument();
    expect(within(await findRow('a')).getByText('5 minutes')).toBeInTheDocument();
    expect(within(await findRow('f')).getByText('–')).toBeInTheDocument();
    expect(docker.count('ps')).toBe(listed);
    // One timer ticks for the five rows that are up, not one per row.
    expect(intervals.mock.calls.filter(([, ms]) => ms === UPTIME_TICK_MS)).toHaveLength(1);
  });

  it('reads docker’s words for an uptime back as the time they stand for, and says it again in them', () => {
    for (const words of [
      'Less than a second',
      '1 second',
      '59 seconds',
      'About a minute',
      '59 minutes',
      'About an hour',
      '2 hours',
      '47 hours',
      '2 days',
      '13 days',
      '2 weeks',
      '8 weeks',
      '2 months',
      '23 months',
      '3 years',
    ]) {
      expect(dockerDuration(parseDockerDuration(words) ?? Number.NaN)).toBe(words);
    }
    expect(parseDockerDuration('a while')).toBeUndefined();
  });

  it('offers the same actions as a card, the rarer ones in the row’s menu', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['a', 'b', 'c', 'd', 'e', 'f']);
    const { user } = renderApp({ docker });
    const row = await findRow('c');
    expect(within(row).getByRole('button', { name: 'Stop' })).toBeEnabled();
    await user.click(within(row).getByRole('button', { name: 'More actions for c' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((m) => m.textContent),
    ).toEqual(['Start', 'Restart', 'Edit', 'Logs', 'Shell', 'Snapshot', 'Export', 'Import', 'Upgrade', 'Migrate to Valkey…', 'Delete']);
    await user.click(within(menu).getByRole('menuitem', { name: 'Delete' }));
    expect(await screen.findByRole('dialog', { name: 'Delete c?' })).toBeInTheDocument();
  });

  it('opens a row on its connection string, with Copy, and its notes and history, as a card shows them', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['a', 'b', 'c', 'd', 'e', 'f']);
    const backend = new FakeBackend();
    const { user, desktop } = renderApp({ docker, backend });
    const row = await findRow('c');
    const port = docker.byName('c').publish?.hostPort;
    const toggle = within(row).getByRole('button', { name: 'Details of c' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('region', { name: 'Details of c' })).not.toBeInTheDocument();

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const details = await screen.findByRole('region', { name: 'Details of c' });
    expect(await within(details).findByText(`redis://default:********@127.0.0.1:${port}/`)).toBeInTheDocument();
    await user.click(within(details).getByRole('button', { name: 'Copy connection string' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('Connection string of c copied.'));
    expect(await navigator.clipboard.readText()).toBe(`redis://default:Seeded-Password-1@127.0.0.1:${port}/`);

    expect(await within(details).findByText('No operations recorded yet.')).toBeInTheDocument();
    await user.type(within(details).getByRole('textbox', { name: 'Notes' }), 'Queue of the shop');
    // Closing the row keeps the draft, as closing a card's notes does.
    await user.click(toggle);
    expect(screen.queryByRole('region', { name: 'Details of c' })).not.toBeInTheDocument();
    await user.click(toggle);
    await user.click(within(details).getByRole('button', { name: 'Save notes' }));
    await waitFor(() => expect(backend.records.get(docker.byName('c').labels['io.dockbase.instance'] ?? '')?.notes).toBe('Queue of the shop'));
    // Only the row opened shows them.
    expect(screen.getAllByRole('region', { name: /^Details of / })).toHaveLength(1);
  });
});

describe('states docker knows', () => {
  it('shows a paused instance as Paused, with Unpause', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.pause('cache');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');
    expect(within(card).getByText('Paused')).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Unpause' }));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    expect(docker.count('unpause')).toBe(1);
  });

  it('pauses a running instance with Pause, beside Stop; it then shows Paused, with Unpause', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const seeded = await seedInstance(docker, { name: 'cache' });
    await backend.saveInstance(seeded.id, { name: 'cache', engine: 'redis', settings: {} });
    const { user, desktop } = renderApp({ docker, backend });
    const card = await findInstance('cache');
    const buttons = () =>
      within(card)
        .getAllByRole('button')
        .map((b) => b.textContent)
        .filter(Boolean);
    expect(buttons().slice(0, 4)).toEqual(['Start', 'Stop', 'Pause', 'Restart']);
    await user.click(within(card).getByRole('button', { name: 'Pause' }));
    expect(await within(card).findByText('Paused')).toBeInTheDocument();
    expect(docker.byName('cache').state).toBe('paused');
    expect(docker.calls.filter((c) => c[0] === 'pause')).toEqual([['pause', docker.byName('cache').id]]);
    expect(within(card).queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
    expect(desktop.toasts.error).toEqual([]);
    await user.click(within(card).getByRole('button', { name: 'Unpause' }));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Pause' })).toBeEnabled();
    // Both are in its history, as every action is.
    await waitFor(() => expect(backend.records.get(seeded.id)?.history.map((h) => h.action)).toEqual(['unpause', 'pause']));
  });

  it('offers Pause beside Stop on a running row of the table, and only there', async () => {
    const docker = new FakeDocker();
    let port = 46500;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await seedInstance(docker, { name, hostPort: port++ });
    docker.setExited('e', 0);
    docker.pause('f');
    const { user } = renderApp({ docker });
    const primary = async (name: string) =>
      within(await findRow(name))
        .getAllByRole('button')
        .map((b) => b.getAttribute('aria-label'))
        .filter((label) => !/^(More actions|Details) /.test(label ?? ''));
    expect(await primary('c')).toEqual(['Stop', 'Pause']);
    expect(await primary('e')).toEqual(['Start']);
    expect(await primary('f')).toEqual(['Unpause']);
    await user.click(within(await findRow('c')).getByRole('button', { name: 'Pause' }));
    expect(await within(await findRow('c')).findByText('Paused')).toBeInTheDocument();
    expect(await primary('c')).toEqual(['Unpause']);
  });

  it('after Unpause shows Healthy once the server answers, though docker still holds the verdict of the frozen time', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    // Docker's probes failed while it was paused: it says unhealthy until its next probe, minutes on.
    docker.setHealth('cache', 'unhealthy');
    docker.pause('cache');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');
    await user.click(within(card).getByRole('button', { name: 'Unpause' }));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    expect(docker.byName('cache').health).toBe('unhealthy');
    // The table row reads the same.
    await user.click(screen.getByRole('button', { name: 'Table view' }));
    expect(within(await findRow('cache')).getByText('Healthy')).toBeInTheDocument();
  });

  it('a server that does not answer after Unpause stays Unhealthy, as docker says', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.setHealth('cache', 'unhealthy');
    docker.byName('cache').serverReady = false;
    docker.pause('cache');
    const { user } = renderApp({ docker });
    const card = await findInstance('cache');
    await user.click(within(card).getByRole('button', { name: 'Unpause' }));
    await waitFor(() => expect(docker.count('unpause')).toBe(1));
    expect(await within(card).findByText('Unhealthy')).toBeInTheDocument();
  });

  it('tells a killed run and an out-of-memory one from a clean stop, with the reason on the row', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'killed', hostPort: 6379 });
    await seedInstance(docker, { name: 'oom', hostPort: 6380 });
    await seedInstance(docker, { name: 'clean', hostPort: 6381 });
    docker.kill('killed');
    docker.kill('oom', { oom: true });
    docker.setExited('clean', 0);
    docker.log('oom', 'loading 3 GB dataset…');
    const { user } = renderApp({ docker });
    const killed = await findInstance('killed');
    expect(within(killed).getByText('Killed')).toBeInTheDocument();
    expect(within(killed).getByText(/Killed \(exit 137\): by "docker kill"/)).toBeInTheDocument();
    const oom = await findInstance('oom');
    expect(within(oom).getByText('Out of memory')).toBeInTheDocument();
    expect(within(oom).getByText(/ran out of memory/)).toBeInTheDocument();
    await user.click(within(oom).getByRole('button', { name: 'Last log lines' }));
    expect(await within(oom).findByLabelText('Last log lines of oom')).toHaveTextContent('loading 3 GB dataset…');
    const clean = await findInstance('clean');
    expect(within(clean).getByText('Stopped')).toBeInTheDocument();
    expect(within(clean).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps a failed start’s reason on the row until the next start works', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.setExited('cache', 0);
    docker.portsTakenOutsideDocker.add(6379);
    const { user, desktop } = renderApp({ docker });
    const card = await findInstance('cache');
    await user.click(within(card).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(desktop.toasts.error).toEqual(['Port 6379 is already in use on this machine.']));
    expect(await within(card).findByText('Could not start: port 6379 is already in use on this machine.', { exact: false })).toBeInTheDocument();
    expect(within(card).getByText('Error')).toBeInTheDocument();
    docker.portsTakenOutsideDocker.clear();
    await user.click(within(card).getByRole('button', { name: 'Start' }));
    expect(await within(card).findByText('Healthy')).toBeInTheDocument();
    expect(within(card).queryByText(/Could not start/)).not.toBeInTheDocument();
  });

  it('names the running instance that holds a port when another one starts on it', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'pg-15', engine: 'postgres', tag: '15', hostPort: 5432 });
    docker.setExited('pg-15', 0);
    await seedInstance(docker, { name: 'pg-17', engine: 'postgres', tag: '17', hostPort: 5432 });
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('pg-15')).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(desktop.toasts.error).toEqual(['Port 5432 is in use by pg-17, which is running: stop it first, or choose another port.']));
  });

  it('never flashes a row for an instance being created, nor for one whose create fails', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'web', engine: 'redis', hostPort: 6390 });
    docker.portsTakenOutsideDocker.add(6379);
    const { user } = renderApp({ docker });
    await findInstance('web');
    const gate = docker.holdNext('run');
    await user.click(await screen.findByRole('button', { name: 'New instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await gate.reached;
    act(() => gate.release());
    expect(await within(dialog).findByText('Port 6379 is already in use on this machine.')).toBeInTheDocument();
    // The container existed for a moment (docker run created it), but no row ever showed it.
    expect(screen.queryByRole('region', { name: 'redis-1' })).not.toBeInTheDocument();
    expect(docker.names()).toEqual(['web']);
  });
});

/** Deletes an instance in the tab, keeping its data (the dialog's default). */
async function deleteKeepingData(user: ReturnType<typeof renderApp>['user'], docker: FakeDocker, name: string): Promise<void> {
  await user.click(within(await findInstance(name)).getByRole('button', { name: 'Delete' }));
  await user.click(within(await screen.findByRole('dialog', { name: `Delete ${name}?` })).getByRole('button', { name: 'Delete' }));
  await waitFor(() => expect(docker.names()).not.toContain(name));
}

/** Opens the create form with this name typed in (the form then looks for kept data of that name). */
async function createFormNamed(user: ReturnType<typeof renderApp>['user'], name: string): Promise<HTMLElement> {
  await user.click(await screen.findByRole('button', { name: 'New instance' }));
  const dialog = await screen.findByRole('dialog', { name: 'New instance' });
  await user.clear(within(dialog).getByRole('textbox', { name: 'Name' }));
  await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), name);
  return dialog;
}

describe('kept data', () => {
  it('is announced by the create form, which asks for its password and checks it once it runs', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const original = await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '15', password: 'the-data-password' });
    await backend.saveInstance(original.id, { name: 'orders', engine: 'postgres', settings: {} });
    await backend.setNotes(original.id, 'Used by the shop API');
    const { user, desktop, unmount } = renderApp({ docker, backend });
    const card = await findInstance('orders');
    await user.click(within(card).getByRole('button', { name: 'Delete' }));
    const del = await screen.findByRole('dialog', { name: 'Delete orders?' });
    expect(within(del).getByText(/stays in its volume, so an instance created later .* finds it again, with these notes and history/)).toBeInTheDocument();
    await user.click(within(del).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'orders' })).not.toBeInTheDocument());

    await user.click(await screen.findByRole('button', { name: 'New instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await user.clear(within(dialog).getByRole('combobox', { name: 'Version' }));
    await user.type(within(dialog).getByRole('combobox', { name: 'Version' }), '15');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Name' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'orders');
    expect(await within(dialog).findByText(/Kept data found for orders: PostgreSQL 15 data created 20 Nov 2026, 48.2 MB\./)).toBeInTheDocument();
    expect(within(dialog).getByText(/with its notes and history/)).toBeInTheDocument();
    const password = within(dialog).getByLabelText(/^Password of the kept data/);
    expect(password).toHaveValue('');
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    await user.type(password, 'a-wrong-password');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    // The data keeps its own password: the engine refuses the one given, and the page says so.
    const message = /PostgreSQL refused orders's password: its data keeps another one/;
    await waitFor(() => expect(desktop.toasts.error.some((m) => message.test(m))).toBe(true));
    const again = await findInstance('orders');
    expect(await within(again).findByText(message)).toBeInTheDocument();
    expect(within(again).queryByText(/Connection string/)).not.toBeInTheDocument();
    // Notes came back with the data (kept under the data's id, which the new container carries).
    expect(docker.byName('orders').labels['io.dockbase.data']).toBe(original.id);
    expect(docker.byName('orders').labels['io.dockbase.instance']).not.toBe(original.id);
    expect(backend.records.get(original.id)?.notes).toBe('Used by the shop API');

    // The backend remembers the verdict: after a reload the row still says so, not Healthy with a dead string.
    expect(backend.passwordVerdicts.get(docker.byName('orders').id)).toMatchObject({ status: 'rejected' });
    unmount();
    const reloaded = renderApp({ docker, backend });
    const row = await reloaded.findByRole('region', { name: 'orders' });
    expect(await within(row).findByText(message)).toBeInTheDocument();
    expect(within(row).queryByText(/Connection string/)).not.toBeInTheDocument();
  });

  it('PostgreSQL: resets the kept data’s password inside the database when asked, then checks it', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres', tag: '17', password: 'forgotten' });
    const { user, desktop } = renderApp({ docker });
    await deleteKeepingData(user, docker, 'orders');

    const dialog = await createFormNamed(user, 'orders');
    await user.click(await within(dialog).findByRole('radio', { name: /Reset it to a new password/ }));
    const password = within(dialog).getByLabelText(/^Password/, { selector: 'input' }) as HTMLInputElement;
    const chosen = password.value;
    expect(chosen).toHaveLength(24);
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('orders: PostgreSQL accepted its password (reset).'));
    expect(docker.dataPasswordOf('dockbase-orders-data')).toBe(chosen);
    expect(within(await findInstance('orders')).getByText(/Connection string/)).toBeInTheDocument();
  });

  it('of another version is refused before Create, naming the version that wrote it', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'old', engine: 'postgres', tag: '15' });
    const { user } = renderApp({ docker });
    await deleteKeepingData(user, docker, 'old');
    const dialog = await createFormNamed(user, 'old');
    expect(await within(dialog).findByText(/holds PostgreSQL 15 data, which version 17 cannot open\. Use version 15/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
  });

  it('is listed with its size after the create form described it (one kept data: the same volumes in both)', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres' });
    const { user } = renderApp({ docker });
    await deleteKeepingData(user, docker, 'orders');
    const dialog = await createFormNamed(user, 'orders');
    expect(await within(dialog).findByText(/Kept data found for orders: PostgreSQL 17 data created 20 Nov 2026, 48.2 MB\./)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await user.click(await screen.findByRole('button', { name: 'Data kept from deleted instances (1)' }));
    const row = within(await screen.findByRole('table', { name: 'Data kept from deleted instances' })).getByRole('row', { name: /orders/ });
    expect(await within(row).findByText('48.2 MB')).toBeInTheDocument();
  });

  it('left by deleted instances is listed with Re-create and a Delete asked by name', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'gone', engine: 'redis', hostPort: 6390 });
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('gone')).getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete gone?' })).getByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Data kept from deleted instances (1)' }));
    const table = await screen.findByRole('table', { name: 'Data kept from deleted instances' });
    const row = within(table).getByRole('row', { name: /gone/ });
    expect(within(row).getByText('Redis 8.2')).toBeInTheDocument();
    expect(await within(row).findByText('48.2 MB')).toBeInTheDocument();

    await user.click(within(row).getByRole('button', { name: 'Re-create gone' }));
    const create = await screen.findByRole('dialog', { name: 'New instance' });
    expect(within(create).getByRole('textbox', { name: 'Name' })).toHaveValue('gone');
    expect(within(create).getByRole('radio', { name: 'Redis' })).toBeChecked();
    // The port it had comes back with it (its volume records it).
    expect(within(create).getByRole('textbox', { name: 'Port' })).toHaveValue('6390');
    await user.click(within(create).getByRole('button', { name: 'Cancel' }));

    await user.click(within(row).getByRole('button', { name: 'Delete the data of gone' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete the data of gone?' });
    expect(within(confirm).getByText(/volume dockbase-gone-data is deleted for good/)).toBeInTheDocument();
    const button = within(confirm).getByRole('button', { name: 'Delete data' });
    expect(button).toBeDisabled();
    await user.type(within(confirm).getByRole('textbox'), 'gone');
    await user.click(button);
    await waitFor(() => expect(desktop.toasts.success).toContain('The data of gone was deleted.'));
    expect(docker.volumes.size).toBe(0);
  });

  it('Re-create offers the settings the instance had when it was deleted, and the data’s new instance starts with them', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'tuned', engine: 'redis', hostPort: 6391, settings: { maxmemory: '64mb' } });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('tuned')).getByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('dialog', { name: 'Delete tuned?' })).getByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Data kept from deleted instances (1)' }));
    const table = await screen.findByRole('table', { name: 'Data kept from deleted instances' });
    await user.click(within(within(table).getByRole('row', { name: /tuned/ })).getByRole('button', { name: 'Re-create tuned' }));
    const create = await screen.findByRole('dialog', { name: 'New instance' });
    // Advanced opens by itself, showing them.
    expect(within(create).getByRole('textbox', { name: 'Server settings' })).toHaveValue('maxmemory=64mb');
    await user.click(within(create).getByRole('button', { name: 'Create' }));
    await findInstance('tuned');
    expect(docker.byName('tuned').cmd.slice(-3)).toEqual(['redis-server', '--maxmemory', '64mb']);
    // The marker the delete wrote goes once the data is in use again: nothing is left listed as kept.
    await waitFor(() => expect([...docker.volumes.keys()]).toEqual(['dockbase-tuned-data']));
  });

  it('a create form given the name of kept data names the settings it had when deleted, and Use them fills them in', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'tuned', engine: 'redis', settings: { maxmemory: '64mb', 'maxmemory-policy': 'allkeys-lru' } });
    const { user } = renderApp({ docker });
    await deleteKeepingData(user, docker, 'tuned');
    const dialog = await createFormNamed(user, 'tuned');
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    expect(await within(dialog).findByText(/When it was deleted it ran with the settings maxmemory=64mb, maxmemory-policy=allkeys-lru\./)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Use them' }));
    expect(
      await within(dialog).findByText('It starts with the settings it had when it was deleted: maxmemory=64mb, maxmemory-policy=allkeys-lru.'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    expect(within(dialog).getByRole('textbox', { name: 'Server settings' })).toHaveValue('maxmemory=64mb\nmaxmemory-policy=allkeys-lru');
  });
});

describe('editing an instance', () => {
  it('changes port, restart policy and memory by replacing the container, keeping its name and id', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'cache', engine: 'redis', hostPort: 6379 });
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit cache' });
    const port = await within(dialog).findByRole('textbox', { name: 'Port' });
    await user.clear(port);
    await user.type(port, '6400');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Start with Docker' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Memory limit (MiB)' }), '256');
    expect(within(dialog).getByText('Changes: port 6379 → 6400; starts with Docker; memory limit 256 MiB.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('cache: port 6379 → 6400; starts with Docker; memory limit 256 MiB.'));
    const now = docker.byName('cache');
    expect(now.id).not.toBe(seeded.containerId);
    expect(now.labels['io.dockbase.instance']).toBe(seeded.id);
    expect(now.publish).toEqual({ bind: '127.0.0.1', hostPort: 6400, containerPort: 6379 });
    expect([now.restartPolicy, now.memoryBytes, now.state]).toEqual(['unless-stopped', 256 * 1024 * 1024, 'running']);
    expect(docker.names()).toEqual(['cache']);
    expect(within(await findInstance('cache')).getByText(/port 6400 on 127\.0\.0\.1/)).toBeInTheDocument();
  });

  it('PostgreSQL: a new password is set inside the database and checked', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'orders', engine: 'postgres', password: 'old-password' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('orders')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit orders' });
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Change the password' }));
    expect(within(dialog).getByText(/Dockbase sets it inside PostgreSQL/)).toBeInTheDocument();
    const field = within(dialog).getByLabelText(/^New password/, { selector: 'input' });
    await user.clear(field);
    await user.type(field, 'brand-new-password');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Edit orders' })).not.toBeInTheDocument());
    expect(docker.dataPasswordOf('dockbase-orders-data')).toBe('brand-new-password');
    expect(getEngine('postgres').readPassword({ env: docker.byName('orders').env, cmd: [] })).toBe('brand-new-password');
  });

  it('MariaDB: says it cannot change the password in its data, and puts the old container back when it does not open it', async () => {
    const docker = new FakeDocker();
    const seeded = await seedInstance(docker, { name: 'shop', engine: 'mariadb', password: 'old-password' });
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('shop')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit shop' });
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Change the password' }));
    expect(within(dialog).getByText(/MariaDB keeps its password in its data, and Dockbase cannot change it there/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(desktop.toasts.error.at(-1)).toMatch(/the new password does not open the data.*Nothing was changed: shop runs again as before\./s),
    );
    expect(docker.byName('shop').id).toBe(seeded.containerId);
    expect(docker.byName('shop').state).toBe('running');
    expect(docker.names()).toEqual(['shop']);
  });
});

describe('the create form', () => {
  it('warns about a port a stopped container shares, naming it, and still creates', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'pg-15', engine: 'postgres', tag: '15', hostPort: 5432 });
    docker.setExited('pg-15', 0);
    const { user } = renderApp({ docker });
    await findInstance('pg-15');
    await user.click(await screen.findByRole('button', { name: 'New instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    const port = within(dialog).getByRole('textbox', { name: 'Port' });
    await user.clear(port);
    await user.type(port, '5432');
    expect(within(dialog).getByText('Port 5432 is also the port of pg-15, which is stopped: only one of them can run at a time.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await findInstance('postgres-1')).toBeInTheDocument();
  });

  it('creates a user and a database, and the connection string carries them', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    await user.click(await screen.findByRole('button', { name: 'Create your first instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await user.type(within(dialog).getByRole('textbox', { name: 'User' }), 'app');
    await user.type(within(dialog).getByRole('textbox', { name: 'Database' }), 'shop');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const card = await findInstance('postgres-1');
    expect(within(card).getByText('postgresql://app:********@127.0.0.1:5432/shop')).toBeInTheDocument();
    expect(docker.byName('postgres-1').env).toEqual(expect.arrayContaining(['POSTGRES_USER=app', 'POSTGRES_DB=shop']));
  });

  it('says when the versions are the built-in suggestions, and marks the downloaded ones', async () => {
    const docker = new FakeDocker();
    docker.images.add('redis:7.4');
    const { user } = renderApp({ docker, backend: new FakeBackend() });
    await user.click(await screen.findByRole('button', { name: 'Create your first instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    expect(await within(dialog).findByText(/Offline: suggested versions/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: 'Version' }));
    const option = await screen.findByRole('option', { name: /7\.4/ });
    expect(option).toHaveTextContent('downloaded');
  });

  it('asks before Escape throws a filled form away, and closes an untouched one at once', async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole('button', { name: 'Create your first instance' }));
    await screen.findByRole('dialog', { name: 'New instance' });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'New instance' })).not.toBeInTheDocument());

    await user.click(screen.getByRole('button', { name: 'Create your first instance' }));
    const dialog = await screen.findByRole('dialog', { name: 'New instance' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), '-mine');
    await user.keyboard('{Escape}');
    const ask = await screen.findByRole('dialog', { name: 'Discard this new instance?' });
    await user.click(within(ask).getByRole('button', { name: 'Keep editing' }));
    expect(await within(dialog).findByRole('textbox', { name: 'Name' })).toHaveValue('postgres-1-mine');
  });
});

describe('usage on request', () => {
  it('measures CPU, memory and data size once when asked, and not before', async () => {
    const docker = new FakeDocker();
    await seedMany(docker, ['a', 'b', 'c', 'd', 'e', 'f']);
    const { user } = renderApp({ docker });
    await findRow('a');
    expect(docker.count('stats')).toBe(0);
    expect(docker.count('system')).toBe(0);
    await user.click(screen.getByRole('button', { name: 'Measure usage' }));
    const row = await findRow('a');
    expect(await within(row).findByText('0.5 %')).toBeInTheDocument();
    expect(within(row).getByText('25.2 MB')).toBeInTheDocument();
    expect(within(row).getByText('48.2 MB')).toBeInTheDocument();
    expect([docker.count('stats'), docker.count('system')]).toEqual([1, 1]);
  });
});

describe('what is unreachable', () => {
  it('names the Dockbase host when the bridge is gone, keeps the last list stale, and recovers', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const { user } = renderApp({ docker });
    await findInstance('cache');
    docker.stopBridge();
    // The host is asked again for about 16 s before it counts as away (a busy host is not a gone one).
    const banner = await screen.findByRole('alert', {}, { timeout: 20_000 });
    expect(within(banner).getByText('Dockbase host unreachable')).toBeInTheDocument();
    expect(banner).not.toHaveTextContent(/Docker engine/);
    expect(banner).toHaveTextContent(/last one known/);
    expect(await findInstance('cache')).toBeInTheDocument();

    docker.startEngine();
    await user.click(within(banner).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  }, 30_000);

  it('a host whose answers are dropped for seconds (containers starting: the browser drops its requests) is not called unreachable', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    // Whether the banner ever shows, even for a moment.
    let bannerShown = false;
    const watch = new MutationObserver(() => (bannerShown ||= document.body.textContent?.includes('unreachable') ?? false));
    watch.observe(document.body, { childList: true, subtree: true, characterData: true });
    renderApp({ docker });
    const card = await findInstance('cache');
    docker.stopBridge();
    await new Promise((r) => setTimeout(r, 5_000));
    docker.startEngine();
    // Watched again once the host answers: a change made meanwhile shows.
    await waitFor(() => expect(docker.watching()).toBe(1), { timeout: 10_000 });
    act(() => docker.setHealth('cache', 'unhealthy'));
    expect(await within(card).findByText('Unhealthy')).toBeInTheDocument();
    watch.disconnect();
    expect(bannerShown).toBe(false);
  }, 30_000);

  it('a backend that misses one health check on a busy machine is not called unreachable', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const backend = new FakeBackend();
    backend.missedHealthChecks = 1;
    const { user } = renderApp({ docker, backend });
    const card = await findInstance('cache');
    await user.click(await within(card).findByRole('button', { name: 'Notes and history' }, { timeout: 5000 }));
    expect(await within(card).findByRole('textbox', { name: 'Notes' })).toBeInTheDocument();
    expect(backend.healthChecks).toBe(2);
    expect(screen.queryByText('Dockbase backend unreachable')).not.toBeInTheDocument();
  });

  it('a backend whose answers are dropped twice in a row (containers starting) is asked a third time, and is not called unreachable', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const backend = new FakeBackend();
    backend.missedHealthChecks = 2;
    // Whether the banner ever shows, even for a moment (it would come and go).
    let bannerShown = false;
    const watch = new MutationObserver(() => (bannerShown ||= document.body.textContent?.includes('Dockbase backend unreachable') ?? false));
    watch.observe(document.body, { childList: true, subtree: true, characterData: true });
    const { user } = renderApp({ docker, backend });
    const card = await findInstance('cache');
    await user.click(await within(card).findByRole('button', { name: 'Notes and history' }, { timeout: 5000 }));
    expect(await within(card).findByRole('textbox', { name: 'Notes' }, { timeout: 5000 })).toBeInTheDocument();
    watch.disconnect();
    expect(backend.healthChecks).toBe(3);
    expect(bannerShown).toBe(false);
  });

  it('says why when the backend cannot start, once, and does not ask it again', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const backend = new FakeBackend();
    backend.cannotStart = 'The Dockbase backend cannot start: cannot open the database: EISDIR. Notes and history are off until the host is started again.';
    renderApp({ docker, backend });
    await findInstance('cache');
    expect(await screen.findByText('Dockbase backend cannot start')).toBeInTheDocument();
    expect(screen.getByText(/cannot open the database: EISDIR/)).toBeInTheDocument();
    expect(screen.queryByText('Dockbase backend unreachable')).not.toBeInTheDocument();
    const asked = backend.healthChecks;
    await new Promise((r) => setTimeout(r, 1500));
    expect(backend.healthChecks).toBe(asked);
  });

  it('says the backend is unreachable instead of hiding its features silently', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const backend = new FakeBackend();
    const { user } = renderApp({ docker, backend });
    const card = await findInstance('cache');
    await user.click(within(card).getByRole('button', { name: 'Notes and history' }));
    backend.up = false;
    await user.type(await within(card).findByRole('textbox', { name: 'Notes' }), 'x');
    await user.click(within(card).getByRole('button', { name: 'Save notes' }));
    // Only once it was asked again over 15 s (1, 2, 4 and 8 s apart): slow is not down.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(screen.queryByText('Dockbase backend unreachable')).not.toBeInTheDocument();
    expect(await screen.findByText('Dockbase backend unreachable', {}, { timeout: 30_000 })).toBeInTheDocument();
    expect(backend.healthChecks).toBeGreaterThanOrEqual(6);
  }, 60_000);
});

describe('polish', () => {
  it('the delete dialog says volume for one, and what happens to the data as it is ticked', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const { user } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete cache?' });
    expect(within(dialog).getByText(/Its data stays in its volume, so/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('checkbox', { name: 'Also delete its data (volume dockbase-cache-data)' }));
    expect(within(dialog).getByText(/Its data is deleted too \(volume dockbase-cache-data\)\./)).toBeInTheDocument();
    expect(within(dialog).queryByText(/stays/)).not.toBeInTheDocument();
  });

  it('keeps a notes draft when the notes are collapsed, and counts against the limit', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    const { user } = renderApp({ docker, backend: new FakeBackend() });
    const card = await findInstance('cache');
    const toggle = within(card).getByRole('button', { name: 'Notes and history' });
    await user.click(toggle);
    await user.type(await within(card).findByRole('textbox', { name: 'Notes' }), 'draft');
    expect(within(card).getByText('5 / 10,000 characters')).toBeInTheDocument();
    await user.click(toggle);
    await user.click(toggle);
    expect(within(card).getByRole('textbox', { name: 'Notes' })).toHaveValue('draft');
    const notes = within(card).getByRole('textbox', { name: 'Notes' });
    await user.click(notes);
    await user.paste('x'.repeat(10_000));
    expect(within(card).getByText(/of at most 10,000 characters: shorten them to save/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Save notes' })).toBeDisabled();
  });

  it('translates docker’s raw errors', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.setExited('cache', 0);
    docker.failNext(
      'start',
      'Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "redis-server": executable file not found in $PATH: unknown\nError: failed to start containers: cache',
    );
    const { user, desktop } = renderApp({ docker });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(desktop.toasts.error).toEqual(['Could not start cache: the image has no "redis-server" program: is it an image of this database engine?']),
    );
  });

  it('follows logs with search, tail length, timestamps and copy', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'cache' });
    docker.log('cache', 'Server initialized');
    docker.log('cache', 'Ready to accept connections');
    const { user } = renderApp({ docker, navigate: 'missing' });
    await user.click(within(await findInstance('cache')).getByRole('button', { name: 'Logs' }));
    const log = await screen.findByRole('log', { name: 'Logs of cache' });
    await within(log).findByText('Ready to accept connections');
    await user.type(screen.getByRole('searchbox', { name: 'Search the log' }), 'ready');
    expect(await screen.findByText('1 of 2 lines match.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('Ready to accept connections');
    await user.click(screen.getByRole('checkbox', { name: 'Timestamps' }));
    await waitFor(() => expect(docker.calls.some((c) => c[0] === 'logs' && c.includes('--timestamps'))).toBe(true));
    await user.click(screen.getByRole('combobox', { name: 'Show' }));
    await user.click(await screen.findByRole('option', { name: 'The whole log' }));
    await waitFor(() => expect(docker.calls.some((c) => c[0] === 'logs' && c.join(' ').includes('--tail all'))).toBe(true));
    expect(docker.followingLogs()).toBe(1);
  });
});
