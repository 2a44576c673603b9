import { ApiError, messageOf } from '../api/client';
import type { ErrorDetail } from '../api/types';
import { Icon } from './icon';

export function detailText(d: ErrorDetail): string {
  const where = d.line ? `line ${d.line}${d.column ? `:${d.column}` : ''}` : '';
  const prefix = [where, d.path].filter(Boolean).join(' ');
  return prefix ? `${prefix}: ${d.message}` : d.message;
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/**
 * An API error shown where it happened, with the server's own message and field details; a
 * refusal by policy gets its own look because the fix is asking someone, not editing input.
 */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  const forbidden = isForbidden(error);
  return (
    <div className={`notice ${forbidden ? 'notice--forbidden' : 'notice--error'}`} role="alert">
      <Icon name={forbidden ? 'lock' : 'alert'} />
      <div className="notice__body">
        <div className="notice__title">
          {/* A refusal says so first, whatever the caller's title: the fix is asking, not retrying. */}
          {forbidden ? 'Not allowed' : (title ?? 'Something went wrong')}
          {apiError && <code className="notice__code">{apiError.code}</code>}
        </div>
        <div className="notice__message">{messageOf(error)}</div>
        {apiError && apiError.details.length > 0 && (
          <ul className="notice__details">
            {apiError.details.map((d, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: details have no identity of their own
              <li key={i}>{detailText(d)}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** A whole page the caller may not see (403 on its list). */
export function NotAllowed({ error, what }: { error: unknown; what: string }) {
  return (
    <div className="not-allowed">
      <Icon name="lock" size={28} />
      <h2>Not allowed</h2>
      <p>Your role does not let you see {what}. Ask an administrator if you need access.</p>
      <p className="muted">{messageOf(error)}</p>
    </div>
  );
}
