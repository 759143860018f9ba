import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../../../test-support/fake-backend';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

/** Opens the dialog and waits until the engine's usage is known (Create is then enabled). */
async function openCreate(user: UserEvent) {
  await user.click(await screen.findByRole('button', { name: 'New instance' }));
  const dialog = await screen.findByRole('dialog', { name: 'New instance' });
  await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
  return dialog;
}

const field = (dialog: HTMLElement, name: string) => within(dialog).getByRole('textbox', { name });
const password = (dialog: HTMLElement) => within(dialog).getByLabelText(/^Password/) as HTMLInputElement;

async function replace(user: UserEvent, input: HTMLElement, text: string) {
  await user.clear(input);
  if (text) await user.type(input, text);
}

describe('creating an instance', () => {
  it('offers safe defaults: official image, a unique name, a free port, a strong password, data persisted, not exposed', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'redis-1', engine: 'redis', hostPort: 6379 });
    docker.addForeignContainer('web', 6380);
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);

    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    expect(within(dialog).getByRole('radio', { name: 'Redis' })).toBeChecked();
    expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveValue('8.2');
    expect(field(dialog, 'Name')).toHaveValue('redis-2');
    expect(field(dialog, 'Port')).toHaveValue('6381');
    expect(password(dialog)).toHaveAttribute('type', 'password');
    expect(password(dialog).value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(within(dialog).getByRole('checkbox', { name: 'Persist data' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Expose on my network' })).not.toBeChecked();
    const generated = password(dialog).value;

    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const card = await findInstance('redis-2');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(card).getByText(/Redis 8\.2 · port 6381 on 127\.0\.0\.1/)).toBeInTheDocument();
    expect(desktop.toasts.success).toContain('redis-2 was created and is starting.');

    const container = docker.byName('redis-2');
    expect(container.image).toBe('redis:8.2');
    expect(container.publish).toEqual({ bind: '127.0.0.1', hostPort: 6381, containerPort: 6379 });
    // The Redis server reads its password from REDISCLI_AUTH (it is on no command line).
    expect(container.env).toContain(`REDISCLI_AUTH=${generated}`);
    expect(container.cmd.join(' ')).not.toContain(generated);
    expect([...docker.volumes.keys()]).toContain('dockbase-redis-2-data');
  });

  it('offers PostgreSQL’s flavours: PostGIS takes its own image and tags, and the card names it', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    const flavour = within(dialog).getByRole('combobox', { name: 'Flavour' });
    expect(flavour).toHaveValue('');
    await user.selectOptions(flavour, 'postgis');
    expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveValue('17-3.5');
    expect(within(dialog).getByText(/Geographic objects and queries.*Image postgis\/postgis; the versions below are its tags\./)).toBeInTheDocument();
    // A tag of the plain server's form is not PostGIS's: said under Version, Create stays disabled.
    await replace(user, within(dialog).getByRole('combobox', { name: 'Version' }), '17');
    expect(await within(dialog).findByText(/PostGIS images are tagged like 17-3\.5/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    await replace(user, within(dialog).getByRole('combobox', { name: 'Version' }), '17-3.5');
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const card = await findInstance('postgres-1');
    expect(within(card).getByText(/PostgreSQL \(PostGIS\) 17-3\.5 · port/)).toBeInTheDocument();
    const container = docker.byName('postgres-1');
    expect(container.image).toBe('postgis/postgis:17-3.5');
    expect(container.labels['io.dockbase.flavour']).toBe('postgis');
  });

  it('takes server settings in Advanced: a refused one says why and blocks Create; the ones given reach the server and show on the card', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    const settings = field(dialog, 'Server settings');
    fireEvent.change(settings, { target: { value: 'maxmemory=64mb\nrequirepass=other' } });
    expect(await within(dialog).findByText(/Dockbase refuses requirepass: .*password/)).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    fireEvent.change(settings, { target: { value: 'maxmemory=64mb' } });
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled());
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const card = await findInstance('redis-1');
    expect(within(card).getByLabelText('Server settings')).toHaveTextContent('Settings: maxmemory=64mb');
    expect(docker.byName('redis-1').cmd.slice(-3)).toEqual(['redis-server', '--maxmemory', '64mb']);
  });

  it('says the password was generated only while it is: typed over, it is the user’s own, until one is generated again', async () => {
    const { user } = renderApp();
    const dialog = await openCreate(user);
    expect(password(dialog)).toHaveAccessibleDescription('Generated for you; keep it or type your own.');
    await replace(user, password(dialog), 'my-own-Passw0rd');
    expect(password(dialog)).toHaveAccessibleDescription('Your own password.');
    expect(within(dialog).queryByText(/Generated for you/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Generate a new password' }));
    expect(password(dialog).value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(password(dialog)).toHaveAccessibleDescription('Generated for you; keep it or type your own.');
  });

  it('lets the keyboard pick the engine, and follows it with version, name and port', async () => {
    const { user } = renderApp();
    const dialog = await openCreate(user);
    const postgres = within(dialog).getByRole('radio', { name: 'PostgreSQL' });
    expect(postgres).toBeChecked();
    expect(within(dialog).getByRole('radiogroup', { name: 'Engine' })).toBeInTheDocument();

    postgres.focus();
    await user.keyboard('{ArrowRight}');
    expect(within(dialog).getByRole('radio', { name: 'MySQL' })).toBeChecked();
    expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveValue('8.4');
    expect(field(dialog, 'Name')).toHaveValue('mysql-1');
    expect(field(dialog, 'Port')).toHaveValue('3306');
  });

  it('reveals, copies and regenerates the password', async () => {
    const { user, desktop } = renderApp();
    const dialog = await openCreate(user);
    const first = password(dialog).value;

    await user.click(within(dialog).getByRole('button', { name: 'Reveal password' }));
    expect(password(dialog)).toHaveAttribute('type', 'text');
    await user.click(within(dialog).getByRole('button', { name: 'Hide password' }));
    expect(password(dialog)).toHaveAttribute('type', 'password');

    await user.click(within(dialog).getByRole('button', { name: 'Copy password' }));
    await waitFor(() => expect(desktop.toasts.success).toContain('Password copied.'));
    expect(await navigator.clipboard.readText()).toBe(first);

    await user.click(within(dialog).getByRole('button', { name: 'Generate a new password' }));
    expect(password(dialog).value).not.toBe(first);
    expect(password(dialog).value).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('offers the catalog’s versions without a backend, and accepts any typed tag', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));

    const version = within(dialog).getByRole('combobox', { name: 'Version' });
    await user.click(version);
    const options = within(await screen.findByRole('listbox'))
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(options).toEqual(['8.2', '8.0', '7.4', '7.2']);
    await user.click(screen.getByRole('option', { name: '7.4' }));
    expect(version).toHaveValue('7.4');

    await replace(user, version, '7.2-alpine');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await findInstance('redis-1');
    expect(docker.byName('redis-1').image).toBe('redis:7.2-alpine');
  });

  it('offers Docker Hub’s tags when the backend is there', async () => {
    const backend = new FakeBackend();
    backend.tags.set('redis', ['8.4-rc1', '8.2.3', '8.2.3-alpine']);
    const { user } = renderApp({ backend });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('combobox', { name: 'Version' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('listbox'))
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['8.4-rc1', '8.2.3', '8.2.3-alpine']),
    );
  });

  it('records the new instance in the backend’s history with its settings, never its password', async () => {
    const docker = new FakeDocker();
    const backend = new FakeBackend();
    const { user } = renderApp({ docker, backend });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    const secret = password(dialog).value;
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const card = await findInstance('redis-1');
    await waitFor(() => expect([...backend.records.values()][0]?.history).toMatchObject([{ action: 'create', outcome: 'ok' }]));
    const record = [...backend.records.values()][0];
    expect(record).toMatchObject({
      name: 'redis-1',
      engine: 'redis',
      // Read from the new instance by whoever ran its create job (its input, with the password, stays with the job).
      settings: { image: 'redis', tag: '8.2', hostPort: 6379, persistData: true, exposeOnNetwork: false },
    });
    expect(JSON.stringify(record)).not.toContain(secret);

    await user.click(within(card).getByRole('button', { name: 'Notes and history' }));
    expect(await within(card).findByText('create: done')).toBeInTheDocument();
  });

  it('uses an image from a mirror or private registry given in the advanced options, exposed on the network without data', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    await user.type(field(dialog, 'Image'), '127.0.0.1:5000/dockbase-test/redis');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Persist data' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Expose on my network' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const card = await findInstance('redis-1');
    expect(within(card).getByText(/\(127\.0\.0\.1:5000\/dockbase-test\/redis\) · port 6379 on 0\.0\.0\.0/)).toBeInTheDocument();
    expect(within(card).getByText(/data not persisted/)).toBeInTheDocument();
    expect(docker.byName('redis-1').image).toBe('127.0.0.1:5000/dockbase-test/redis:8.2');
    expect(docker.calls).toContainEqual(['pull', '127.0.0.1:5000/dockbase-test/redis:8.2']);
    expect(docker.volumes.size).toBe(0);
  });

  it('explains invalid input field by field and keeps Create disabled until it is valid', async () => {
    const { user } = renderApp();
    const dialog = await openCreate(user);
    const create = within(dialog).getByRole('button', { name: 'Create' });

    await replace(user, field(dialog, 'Name'), '');
    expect(field(dialog, 'Name')).toHaveAccessibleDescription('Enter a name.');
    expect(field(dialog, 'Name')).toBeInvalid();
    expect(create).toBeDisabled();
    await user.type(field(dialog, 'Name'), 'my db');
    expect(field(dialog, 'Name')).toHaveAccessibleDescription(/Use letters, digits/);

    await replace(user, field(dialog, 'Port'), '70000');
    expect(field(dialog, 'Port')).toHaveAccessibleDescription('Use a port from 1 to 65535.');

    await replace(user, password(dialog), '');
    expect(password(dialog)).toHaveAccessibleDescription('A password is required.');

    await replace(user, within(dialog).getByRole('combobox', { name: 'Version' }), 'not a tag');
    expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveAccessibleDescription(/A version tag uses/);

    await user.click(within(dialog).getByRole('button', { name: 'Advanced' }));
    await user.type(field(dialog, 'Image'), 'Postgres:17');
    expect(field(dialog, 'Image')).toHaveAccessibleDescription(/without a tag or digest/);
    expect(create).toBeDisabled();

    await replace(user, field(dialog, 'Name'), 'my-db');
    await replace(user, field(dialog, 'Port'), '15432');
    await user.type(password(dialog), 'S3cret-enough');
    await replace(user, within(dialog).getByRole('combobox', { name: 'Version' }), '17');
    await replace(user, field(dialog, 'Image'), '');
    expect(create).toBeEnabled();
  });

  it('shows a name or port taken by another container before submitting', async () => {
    const docker = new FakeDocker();
    docker.addForeignContainer('web', 8080);
    await seedInstance(docker, { name: 'old-pg', engine: 'postgres', hostPort: 5432 });
    docker.setExited('old-pg', 0);
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);

    // A stopped instance still claims its port: the suggestion moves on.
    expect(field(dialog, 'Port')).toHaveValue('5433');
    await replace(user, field(dialog, 'Port'), '8080');
    expect(field(dialog, 'Port')).toHaveAccessibleDescription(
      'Port 8080 is already used by another container. It is in use by web (running): stop it first, or choose another port.',
    );
    await replace(user, field(dialog, 'Name'), 'web');
    expect(field(dialog, 'Name')).toHaveAccessibleDescription('Another container is already named "web".');
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    expect(docker.count('run')).toBe(0);
  });

  it('names the running instance that holds the port, and only warns of a stopped one', async () => {
    const docker = new FakeDocker();
    await seedInstance(docker, { name: 'pg-15', engine: 'postgres', tag: '15', hostPort: 5432 });
    await seedInstance(docker, { name: 'pg-16', engine: 'postgres', tag: '16', hostPort: 5440 });
    docker.setExited('pg-16', 0);
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    await replace(user, field(dialog, 'Port'), '5432');
    expect(field(dialog, 'Port')).toHaveAccessibleDescription(
      'Port 5432 is already used by another container. It is in use by pg-15 (running): stop it first, or choose another port.',
    );
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    await replace(user, field(dialog, 'Port'), '5440');
    expect(field(dialog, 'Port')).toHaveAccessibleDescription('Port 5440 is also the port of pg-16, which is stopped: only one of them can run at a time.');
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeEnabled();
  });

  it('shows the image pull’s layers as they complete, and Cancel returns to the form leaving nothing behind', async () => {
    const docker = new FakeDocker();
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await replace(user, field(dialog, 'Name'), 'my-cache');
    const pull = docker.holdNextPull();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await pull.started;
    expect(await within(dialog).findByText('Pulling redis:8.2: 0 of 3 layers done')).toBeInTheDocument();
    act(() => pull.completeLayer());
    expect(await within(dialog).findByText('Pulling redis:8.2: 1 of 3 layers done')).toBeInTheDocument();
    // The create is a job: its progress counts the layers done (JobProgress.pull), not each layer's state.
    expect(within(dialog).getByRole('progressbar', { name: 'Pulling redis:8.2' })).toHaveAttribute('aria-valuenow', '33');
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();

    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await within(dialog).findByRole('textbox', { name: 'Name' })).toHaveValue('my-cache');
    expect(pull.cancelled).toBe(true);
    expect(docker.names()).toEqual([]);
    expect(docker.volumes.size).toBe(0);
    expect(docker.images.has('redis:8.2')).toBe(false);
    expect(desktop.toasts.error).toEqual([]);
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('finishes the create when the pull completes', async () => {
    const docker = new FakeDocker();
    const { user } = renderApp({ docker });
    const dialog = await openCreate(user);
    const pull = docker.holdNextPull();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await pull.started;
    expect(await within(dialog).findByText('Pulling postgres:17: 0 of 3 layers done')).toBeInTheDocument();
    act(() => pull.finish());
    expect(within(await findInstance('postgres-1')).getByText('Healthy')).toBeInTheDocument();
  });

  it('shows a port the engine refuses at start on the Port field, and lets the user pick another', async () => {
    const docker = new FakeDocker();
    docker.portsTakenOutsideDocker.add(6379);
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await waitFor(() => expect(field(dialog, 'Port')).toHaveAccessibleDescription('Port 6379 is already in use on this machine.'));
    expect(desktop.toasts.error).toEqual([]);
    expect(docker.names()).toEqual([]);
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();

    await replace(user, field(dialog, 'Port'), '16379');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await findInstance('redis-1')).toBeInTheDocument();
  });

  it('shows a version the registry does not have on the Version field', async () => {
    const docker = new FakeDocker();
    docker.missingImages.add('redis:6.9');
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await replace(user, within(dialog).getByRole('combobox', { name: 'Version' }), '6.9');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveAccessibleDescription(/Image redis:6\.9 was not found/));
    expect(desktop.toasts.error).toEqual([]);
  });

  it('shows a name taken meanwhile on the Name field, keeping the submitted name', async () => {
    const docker = new FakeDocker();
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    expect(field(dialog, 'Name')).toHaveValue('redis-1');
    docker.addForeignContainer('redis-1');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await waitFor(() => expect(field(dialog, 'Name')).toBeInvalid());
    expect(field(dialog, 'Name')).toHaveValue('redis-1');
    expect(field(dialog, 'Name')).toHaveAccessibleDescription(/redis-1/);
    expect(within(dialog).getByRole('button', { name: 'Create' })).toBeDisabled();
    expect(desktop.toasts.error).toEqual([]);
    expect(docker.count('run')).toBe(0);
  });

  it('shows a data volume that belongs to something else on the Name field', async () => {
    const docker = new FakeDocker();
    docker.volumes.set('dockbase-redis-1-data', { 'com.example.owner': 'someone' });
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('radio', { name: 'Redis' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    await waitFor(() => expect(field(dialog, 'Name')).toHaveAccessibleDescription(/A volume named dockbase-redis-1-data already exists/));
    expect(desktop.toasts.error).toEqual([]);
    expect(docker.volumes.get('dockbase-redis-1-data')).toEqual({ 'com.example.owner': 'someone' });
    await replace(user, field(dialog, 'Name'), 'redis-sessions');
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await findInstance('redis-sessions')).toBeInTheDocument();
  });

  it('reports an engine that went away during the create in a toast and in the dialog', async () => {
    const docker = new FakeDocker();
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    docker.stopEngine();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    const alert = await within(dialog).findByRole('alert');
    // Said as an interruption by the engine, and that nothing was made (nothing half-made is left to undo).
    expect(alert).toHaveTextContent(/^Create PostgreSQL 17 was interrupted before its first step \(the Docker engine went away\)\. postgres-1 was not made\.$/);
    expect(desktop.toasts.error).toEqual([alert.textContent]);
    expect(docker.containers.size).toBe(0);
  });

  it('reports other failures in a toast and in the dialog', async () => {
    const docker = new FakeDocker();
    docker.failNext('run', 'docker: Error response from daemon: the storage driver is full.');
    const { user, desktop } = renderApp({ docker });
    const dialog = await openCreate(user);
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Could not create postgres-1: the storage driver is full');
    expect(desktop.toasts.error).toEqual([alert.textContent]);
    expect(field(dialog, 'Name')).toHaveValue('postgres-1');
  });

  it('creates ONE instance when Create is double-clicked or the form submitted twice', async () => {
    const docker = new FakeDocker();
    const { user, desktop } = renderApp({ docker });
    let dialog = await openCreate(user);
    await user.dblClick(within(dialog).getByRole('button', { name: 'Create' }));
    await findInstance('postgres-1');
    expect(docker.count('run')).toBe(1);

    dialog = await openCreate(user);
    const form = dialog.querySelector('form') as HTMLFormElement;
    fireEvent.submit(form);
    fireEvent.submit(form);
    await findInstance('postgres-2');
    expect(docker.count('run')).toBe(2);
    expect(docker.names()).toEqual(['postgres-1', 'postgres-2']);
    expect(desktop.toasts.error).toEqual([]);
  });
});
