import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** A page that crashed: say so plainly and offer a way back, instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <div className="not-allowed">
      <h2>This page failed</h2>
      <p>
        The console hit an unexpected error. Reloading usually helps; if not, the message below helps a bug
        report.
      </p>
      <p>
        <code>{message}</code>
      </p>
      <p>
        <Link to="/">Back to the console</Link> ·{' '}
        <button type="button" className="btn btn--small" onClick={() => window.location.reload()}>
          Reload
        </button>
      </p>
    </div>
  );
}
