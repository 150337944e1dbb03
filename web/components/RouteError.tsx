// Shown when a route throws or a lazy chunk fails to load (e.g. after a deploy): say so, offer a reload.
import { isRouteErrorResponse, Link, useRouteError } from "react-router";

export function RouteError() {
  const error = useRouteError();
  const chunkFailed =
    error instanceof TypeError && /dynamically imported module|Importing a module/i.test(error.message);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : chunkFailed
      ? "A new version of Baton is available."
      : error instanceof Error
        ? error.message
        : "Something went wrong.";
  return (
    <div className="empty" role="alert" style={{ minHeight: "60vh" }}>
      <h2>{chunkFailed ? "Baton was updated" : "This page hit a problem"}</h2>
      <p>{message}</p>
      <div className="row">
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link className="btn" to="/">
          Go to orchestrators
        </Link>
      </div>
    </div>
  );
}
