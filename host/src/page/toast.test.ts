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
    expect(items.map((i) => [i.getAttribute('role'), i.dataset.kind, i.textContent])).toEqual([
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
    const items = () => Array.from(document.getElementById(TOAST_CONTAINER_ID)?.children ?? []).map((e) => e.textContent);
    (document.getElementById(TOAST_CONTAINER_ID)?.lastElementChild as HTMLElement).click();
    expect(items()).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1001);
    expect(items()).toEqual(['b']);
    vi.advanceTimersByTime(1000);
    expect(items()).toEqual([]);
  });
});
