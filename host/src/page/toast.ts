import type { ToastKind } from './dd-client';

/**
 * Stand-in for Docker Desktop's toasts: a plain fixed stack in the bottom-right corner of the page. It never
 * buries the page's buttons: at most MAX_TOASTS show (the oldest goes first), a message already shown is
 * counted instead of stacked again, and clicks pass through a toast to what lies under it, except on its
 * own dismiss button.
 */

/** The most toasts shown at once. */
export const MAX_TOASTS = 3;

export const TOAST_CONTAINER_ID = 'dockbase-toasts';

const COLOURS: Record<ToastKind, string> = { success: '#157a3b', warning: '#8a4b00', error: '#b3261e' };

export interface ToasterOptions {
  /** How long a success or warning toast stays; errors stay twice as long. Clicking one dismisses it. */
  durationMs?: number;
}

export function createDomToaster(doc: Document, options: ToasterOptions = {}): (kind: ToastKind, message: string) => void {
  const duration = options.durationMs ?? 5000;
  const container = (): HTMLElement => {
    const existing = doc.getElementById(TOAST_CONTAINER_ID);
    if (existing) return existing;
    const el = doc.createElement('div');
    el.id = TOAST_CONTAINER_ID;
    Object.assign(el.style, {
      position: 'fixed',
      right: '16px',
      bottom: '16px',
      zIndex: '2147483647',
      display: 'flex',
      flexDirection: 'column',
      alignItems: 'flex-end',
      gap: '8px',
      maxWidth: 'min(420px, calc(100vw - 32px))',
      pointerEvents: 'none',
    });
    doc.body.appendChild(el);
    return el;
  };

  const shown = new Map<string, { toast: HTMLElement; text: HTMLElement; count: number; timer: ReturnType<typeof setTimeout> }>();

  return (kind, message) => {
    const key = `${kind}\u0000${message}`;
    const life = kind === 'error' ? duration * 2 : duration;
    const again = shown.get(key);
    if (again) {
      again.count++;
      again.text.textContent = `${message} (×${again.count})`;
      clearTimeout(again.timer);
      again.timer = setTimeout(() => again.toast.dispatchEvent(new Event('dockbase-dismiss')), life);
      return;
    }
    const toast = doc.createElement('div');
    // role="alert" is announced at once; role="status" politely.
    toast.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    toast.dataset.kind = kind;
    const text = doc.createElement('span');
    text.textContent = message;
    toast.appendChild(text);
    Object.assign(toast.style, {
      background: COLOURS[kind],
      color: '#ffffff',
      font: '14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      padding: '10px 14px',
      borderRadius: '4px',
      boxShadow: '0 2px 8px rgba(0, 0, 0, 0.3)',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      display: 'flex',
      alignItems: 'flex-start',
      gap: '10px',
      // Click-through: a toast over a button does not take its clicks (the dismiss button does).
      pointerEvents: 'none',
    });
    const close = doc.createElement('button');
    close.type = 'button';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss');
    Object.assign(close.style, {
      pointerEvents: 'auto',
      cursor: 'pointer',
      background: 'transparent',
      border: '0',
      color: 'inherit',
      font: 'inherit',
      fontSize: '18px',
      lineHeight: '1',
      padding: '0 2px',
      marginLeft: 'auto',
    });
    toast.appendChild(close);
    const remove = () => {
      clearTimeout(entry.timer);
      shown.delete(key);
      toast.remove();
    };
    const entry = { toast, text, count: 1, timer: setTimeout(remove, life) };
    shown.set(key, entry);
    close.addEventListener('click', remove);
    toast.addEventListener('dockbase-dismiss', remove);
    const box = container();
    box.appendChild(toast);
    while (box.children.length > MAX_TOASTS) box.firstElementChild?.dispatchEvent(new Event('dockbase-dismiss'));
  };
}
