import { act, screen, waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeDocker } from '../../../test-support/fake-docker';
import { findInstance, findRow, renderApp, seedInstance, within } from '../../../test-support/render-app';

/**
 * A thousand instances: only what is on screen is rendered (jsdom lays nothing out: the window is 768 px
 * high and each row takes the table's first guess, 49 px, so a screenful is some twenty rows). Scrolling
 * is the table's position moving up the window, then the scroll event.
 */
const COUNT = 1000;
let docker: FakeDocker;

beforeAll(async () => {
  docker = new FakeDocker();
  for (let i = 1; i <= COUNT; i++) await seedInstance(docker, { name: `db-${i}`, hostPort: 10000 + i });
}, 120_000);

const rowNames = () => [...document.querySelectorAll<HTMLElement>('tr[data-instance]')].map((r) => r.dataset.instance);

/** Scrolls the page so that the list's top is `y` px above the window's top. */
function scrollListTo(list: HTMLElement, y: number) {
  vi.spyOn(list, 'getBoundingClientRect').mockReturnValue({ top: -y, bottom: 0, left: 0, right: 0, width: 0, height: 0, x: 0, y: -y, toJSON: () => ({}) });
  act(() => {
    window.dispatchEvent(new Event('scroll'));
  });
}

describe('a thousand instances in the table', () => {
  it('renders a screenful of rows, says how many there are, and brings others as the page scrolls', async () => {
    renderApp({ docker });
    await findRow('db-1');
    const table = screen.getByRole('table', { name: 'Instances' });
    const shown = rowNames();
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(40);
    expect(shown.slice(0, 3)).toEqual(['db-1', 'db-2', 'db-3']);
    expect(screen.getByText(/1000 instances\./)).toBeInTheDocument();
    // The header, then one row per instance: assistive technologies are told the whole table's size.
    expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 1));
    expect(await findRow('db-1')).toHaveAttribute('aria-rowindex', '2');

    scrollListTo(table, 49 * 600);
    const row = await findRow('db-601');
    expect(row).toHaveAttribute('aria-rowindex', '602');
    expect(within(row).getByText('Healthy')).toBeInTheDocument();
    expect(rowNames()).not.toContain('db-1');
    expect(rowNames().length).toBeLessThan(40);

    scrollListTo(table, 0);
    await findRow('db-1');
    expect(rowNames()).not.toContain('db-601');
  });

  it('selects rows out of sight too: Select all takes every instance shown, a choice survives scrolling away and back', async () => {
    const { user } = renderApp({ docker });
    await findRow('db-1');
    const table = screen.getByRole('table', { name: 'Instances' });

    await user.click(within(await findRow('db-2')).getByRole('checkbox', { name: 'Select db-2' }));
    scrollListTo(table, 49 * 500);
    await user.click(within(await findRow('db-501')).getByRole('checkbox', { name: 'Select db-501' }));
    expect(screen.getByText(/2 selected/)).toBeInTheDocument();
    scrollListTo(table, 0);
    expect(within(await findRow('db-2')).getByRole('checkbox', { name: 'Select db-2' })).toBeChecked();
    scrollListTo(table, 49 * 500);
    expect(within(await findRow('db-501')).getByRole('checkbox', { name: 'Select db-501' })).toBeChecked();

    await user.click(screen.getByRole('checkbox', { name: 'Select all shown' }));
    expect(screen.getByText(new RegExp(`${COUNT} selected`))).toBeInTheDocument();
    scrollListTo(table, 49 * 990);
    expect(within(await findRow('db-1000')).getByRole('checkbox', { name: 'Select db-1000' })).toBeChecked();
  });

  it('keeps the row that holds the keyboard focus, and an opened row, rendered wherever the page scrolls', async () => {
    const { user } = renderApp({ docker });
    await findRow('db-1');
    const table = screen.getByRole('table', { name: 'Instances' });

    await user.click(within(await findRow('db-3')).getByRole('button', { name: 'Details of db-3' }));
    expect(await screen.findByRole('region', { name: 'Details of db-3' })).toBeInTheDocument();
    // The opened details are a row of their own: the table counts it.
    expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 2));

    const checkbox = within(await findRow('db-5')).getByRole('checkbox', { name: 'Select db-5' });
    checkbox.focus();
    scrollListTo(table, 49 * 700);
    await findRow('db-701');
    expect(rowNames()).toEqual(expect.arrayContaining(['db-3', 'db-5', 'db-701']));
    expect(rowNames()).not.toContain('db-4');
    expect(document.activeElement).toBe(checkbox);
    expect(screen.getByRole('region', { name: 'Details of db-3' })).toBeInTheDocument();
    // The keyboard goes on from the focused row: Space still selects it.
    await user.keyboard(' ');
    expect(checkbox).toBeChecked();
  });
});

describe('a thousand instances as cards', () => {
  it('renders the cards on screen only, and brings others as the page scrolls', async () => {
    window.localStorage.setItem('dockbase.viewMode', 'cards');
    renderApp({ docker });
    await findInstance('db-1');
    const cards = () => [...document.querySelectorAll<HTMLElement>('section[data-instance]')].map((c) => c.dataset.instance);
    expect(cards().length).toBeGreaterThan(2);
    expect(cards().length).toBeLessThan(15);
    const list = (await findInstance('db-1')).parentElement?.parentElement as HTMLElement;

    scrollListTo(list, 200 * 400);
    await findInstance('db-401');
    expect(cards()).not.toContain('db-1');
    await waitFor(() => expect(cards().length).toBeLessThan(15));
  });
});
