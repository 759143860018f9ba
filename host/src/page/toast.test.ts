// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOAST_CONTAINER_ID, createDomToaster } from './toast';

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

describe('the page toaster', () => {
  it('shows plain-text toasts with status/alert roles in one fixed container', () => {
    const toast = createDomToaster(document);
    toast('success', 'Saved <b>pg</b>');
    toast('warning', 'Port in use');
    toast('error', 'Could not start');
    const container = document.getElementById(TOAST_CONTAINER_ID);
    expect(container?.style.position).toBe('fixed');
    const items = Array.from(container?.children ?? []) as HTMLElement[];
    expect(items.map((i) => [i.getAttribute('role'), i.dataset.kind, i.querySelector('span')?.textContent])).toEqual([
      ['status', 'success', 'Saved <b>pg</b>'],
      ['status', 'warning', 'Port in use'],
      ['alert', 'error', 'Could not start'],
    ]);
    expect(container?.querySelector('b')).toBeNull(); // text, never HTML
  });

  it('dismisses itself after a while (errors stay longer) or on click', () => {
    vi.useFakeTimers();
    const toast = createDomToaster(document, { durationMs: 1000 });
    toast('success', 'a');
    toast('error', 'b');
    toast('warning', 'c');
    const items = () => Array.from(document.getElementById(TOAST_CONTAINER_ID)?.children ?? []).map((e) => e.querySelector('span')?.textContent);
    (document.getElementById(TOAST_CONTAINER_ID)?.lastElementChild?.querySelector('button') as HTMLElement).click();
    expect(items()).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1001);
    expect(items()).toEqual(['b']);
    vi.advanceTimersByTime(1000);
    expect(items()).toEqual([]);
  });

  it('never buries the page: at most three, repeats counted, clicks pass through but for the dismiss button', () => {
    const toast = createDomToaster(document);
    for (const m of ['one', 'two', 'three', 'four']) toast('success', m);
    toast('success', 'four');
    const container = document.getElementById(TOAST_CONTAINER_ID) as HTMLElement;
    const items = Array.from(container.children) as HTMLElement[];
    expect(items.map((e) => e.querySelector('span')?.textContent)).toEqual(['two', 'three', 'four (×2)']);
    expect(items.every((e) => e.style.pointerEvents === 'none')).toBe(true);
    expect(items.every((e) => (e.querySelector('button[aria-label="Dismiss"]') as HTMLElement).style.pointerEvents === 'auto')).toBe(true);
  });
});
