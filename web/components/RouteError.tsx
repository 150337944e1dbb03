// Shown when a route throws or a lazy chunk fails to load (e.g. after a deploy): say so, offer a
// reload. A loader's 404 for the thing a page is about (lib/loaders.ts notFound) shows its
// not-found view instead.
import { useEffect } from "react";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { isNotFoundView, type NotFound } from "../lib/loaders";

export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404 && isNotFoundView(error.data)) {
    return <NotFoundView {...error.data} />;
  }
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

/** What a page says about a missing thing it's about (a loader's 404, or deleted while open). */
export function NotFoundView({ title, detail, back }: NotFound) {
  useEffect(() => {
    document.title = `${title} · Baton`;
  }, [title]);
  return (
    <div className="empty" style={{ minHeight: "60vh" }}>
      <h2>{title}</h2>
      <p>{detail}</p>
      <Link className="btn" to={back.to}>
        {back.label}
      </Link>
    </div>
  );
}
