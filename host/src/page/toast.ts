import type { ToastKind } from './dd-client';

/** Stand-in for Docker Desktop's toasts: a plain fixed stack in the bottom-right corner of the page. */

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

  return (kind, message) => {
    const toast = doc.createElement('div');
    // role="alert" is announced at once; role="status" politely.
    toast.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    toast.dataset.kind = kind;
    toast.textContent = message;
    Object.assign(toast.style, {
      background: COLOURS[kind],
      color: '#ffffff',
      font: '14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      padding: '10px 14px',
      borderRadius: '4px',
      boxShadow: '0 2px 8px rgba(0, 0, 0, 0.3)',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      cursor: 'pointer',
      pointerEvents: 'auto',
    });
    const remove = () => toast.remove();
    toast.addEventListener('click', remove);
    container().appendChild(toast);
    setTimeout(remove, kind === 'error' ? duration * 2 : duration);
  };
}
