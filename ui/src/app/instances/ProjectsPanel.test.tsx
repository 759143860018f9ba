import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createDockbase } from '@dockbase/core';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, renderApp, seedInstance, within } from '../../../test-support/render-app';

const shop = { name: 'shop', path: '/home/me/shop' };

/** shop's orders (its own copy stopped, feature/a's running on the same port), its cache stopped, and an instance of no project. */
async function seedProjects(): Promise<FakeDocker> {
  const docker = new FakeDocker();
  const core = createDockbase(docker);
  const own = await seedInstance(docker, { name: 'shop-orders', engine: 'postgres', hostPort: 5433, project: shop });
  await core.lifecycle.stop(own);
  await seedInstance(docker, { name: 'shop-orders--feature-a-abc123', engine: 'postgres', hostPort: 5433, project: { ...shop, branch: 'feature/a' } });
  const cache = await seedInstance(docker, { name: 'shop-cache', hostPort: 6380, project: shop });
  await core.lifecycle.stop(cache);
  await seedInstance(docker, { name: 'loner', hostPort: 6390 });
  docker.calls.length = 0;
  return docker;
}

describe('projects in the tab', () => {
  it('groups the instances by project, with its folder and the branch each serves; an instance of no project stays in the list only', async () => {
    const docker = await seedProjects();
    renderApp({ docker });
    const card = await screen.findByRole('region', { name: 'Project shop' });
    expect(within(card).getByText('/home/me/shop')).toBeInTheDocument();
    expect(within(card).getByText(/serves branch feature\/a/)).toBeInTheDocument();
    const items = within(within(card).getByRole('list', { name: 'Instances of shop' })).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual(['cache: stopped', 'orders: branch feature/a, running']);
    expect(screen.queryByRole('region', { name: /Project loner/ })).not.toBeInTheDocument();
    // Each card says its project and branch; an instance of no project says none.
    expect((await findInstance('shop-orders--feature-a-abc123')).textContent).toContain('project shop · branch feature/a');
    expect((await findInstance('loner')).textContent).not.toContain('project');
  });

  it('Up starts what the branch in use needs (never a second copy on a port); Down stops every copy that runs', async () => {
    const docker = await seedProjects();
    const { user } = renderApp({ docker });
    const card = await screen.findByRole('region', { name: 'Project shop' });

    await user.click(within(card).getByRole('button', { name: 'Up shop' }));
    await waitFor(() => expect(within(card).getByText('cache: running')).toBeInTheDocument());
    const running = async () => (await createDockbase(docker).lifecycle.list()).filter((i) => i.status === 'running').map((i) => i.name);
    expect((await running()).sort()).toEqual(['loner', 'shop-cache', 'shop-orders--feature-a-abc123']);
    expect(within(card).getByRole('button', { name: 'Up shop' })).toBeDisabled();

    // Once Up's jobs have all ended, Down is offered again.
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Down shop' })).toBeEnabled());
    await user.click(within(card).getByRole('button', { name: 'Down shop' }));
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Down shop' })).toBeDisabled());
    expect(await running()).toEqual(['loner']);
  });
});
