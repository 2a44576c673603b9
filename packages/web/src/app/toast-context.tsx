import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { ApiError, messageOf } from '../api/client';
import type { ErrorDetail } from '../api/types';
import { detailText } from '../components/error-notice';

interface Toast {
  id: number;
  tone: 'error' | 'success' | 'info';
  title: string;
  message?: string;
  code?: string;
  details?: ErrorDetail[];
}

interface ToastApi {
  error(error: unknown, title?: string): void;
  success(title: string, message?: string): void;
  info(title: string, message?: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

// Errors stay long enough to be read and copied; confirmations get out of the way.
const LIFETIME = { error: 12_000, success: 4_000, info: 6_000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);

  const push = useCallback(
    (toast: Omit<Toast, 'id'>) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-4), { ...toast, id }]);
      setTimeout(() => dismiss(id), LIFETIME[toast.tone]);
    },
    [dismiss],
  );

  const api = useMemo<ToastApi>(
    () => ({
      error(error, title) {
        const apiError = error instanceof ApiError ? error : undefined;
        push({
          tone: 'error',
          title: title ?? (apiError?.code === 'FORBIDDEN' ? 'Not allowed' : 'Error'),
          message: messageOf(error),
          ...(apiError ? { code: apiError.code, details: apiError.details } : {}),
        });
      },
      success: (title, message) => push({ tone: 'success', title, ...(message ? { message } : {}) }),
      info: (title, message) => push({ tone: 'info', title, ...(message ? { message } : {}) }),
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast--${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
            <div className="toast__head">
              <strong>{t.title}</strong>
              {t.code && <code className="toast__code">{t.code}</code>}
              <button
                type="button"
                className="toast__close"
                aria-label="Dismiss"
                onClick={() => dismiss(t.id)}
              >
                ×
              </button>
            </div>
            {t.message && <div className="toast__message">{t.message}</div>}
            {t.details && t.details.length > 0 && (
              <ul className="toast__details">
                {t.details.slice(0, 5).map((d, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: details have no identity of their own
                  <li key={i}>{detailText(d)}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error('useToast outside ToastProvider');
  return api;
}
