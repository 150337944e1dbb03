// What every route loader does with its requests (App.tsx wires the loaders; each page's own is in
// routes/<Page>.loader.ts). Kept free of zod: the app shell's loader uses it on the first screen.
//   - A request that gets no answer waits out an offline spell, or is tried again, like a lazy
//     chunk (lib/chunks.ts), so a navigation started offline finishes once the network is back.
//   - 401 redirects to /login?next=<where the visitor was going>. A browser not known to be signed
//     in (lib/signedIn.ts) checks the account before a page's requests, so a signed-out visit
//     makes no request that answers 401 (and logs no failed request).
//   - 404 of the thing a page is about becomes the not-found view (components/RouteError.tsx),
//     before the page renders: no stream is opened for an id that doesn't exist.
//   - Any other failure reaches the page as data (`Loaded`), which shows it inline with a Retry.
import { type ChunkDeps, retryThroughOutages } from "./chunks";
import { ApiError, isNetworkError } from "./http";
import { session } from "./session";

/** A page's data, or why it couldn't be loaded. */
export type Loaded<T> = { data: T; error: null } | { data: undefined; error: ApiError };

/** The data a loader resolves to, for `useLoaderData<DataOf<typeof loader>>()`. */
// `never[]`: every function's parameters accept it (parameters are checked contravariantly).
export type DataOf<L extends (...args: never[]) => unknown> = Awaited<ReturnType<L>>;

/** The not-found view's words, thrown by a loader as a 404 route error. */
export type NotFound = { title: string; detail: string; back: { to: string; label: string } };

export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, "client_error", e instanceof Error ? e.message : String(e));

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

/** The sign-in page, coming back to `next` (a path with its query) afterwards. */
export function loginPath(next: string): string {
  return `/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`;
}

/**
 * `accountCheck`: this request is the account check itself (the shell's). `public`: the page is open
 * to everyone (the API reference), so its request needs no account and goes at once.
 */
export type LoadOptions = { accountCheck?: boolean; public?: boolean };

/**
 * Runs a loader's request: outages are waited out (until the navigation is abandoned), a 401
 * becomes a redirect to sign in, any other failure is thrown as it is.
 */
export async function fetchFor<T>(
  request: Request,
  load: () => Promise<T>,
  deps?: ChunkDeps,
  opts: LoadOptions = {},
): Promise<T> {
  const retryable = (e: unknown) => isNetworkError(e) && !request.signal.aborted;
  try {
    // Not known to be signed in (a first visit, after signing out): the account check goes first,
    // so a signed-out visit asks nothing that answers 401. Known signed in: the request starts now,
    // alongside the shell's check. (The shell's own load is that check.)
    if (!opts.accountCheck && !opts.public) {
      await retryThroughOutages(session.whenSignedIn, retryable, deps).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) throw e;
        // Any other failure is the page's request's to report.
      });
    }
    return await retryThroughOutages(load, retryable, deps);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      const url = new URL(request.url);
      throw redirectTo(loginPath(url.pathname + url.search));
    }
    throw e;
  }
}

/** Like `fetchFor`, but a failure other than 401 is returned for the page to show. */
export async function settle<T>(
  request: Request,
  load: () => Promise<T>,
  deps?: ChunkDeps,
  opts?: LoadOptions,
): Promise<Loaded<T>> {
  try {
    return { data: await fetchFor(request, load, deps, opts), error: null };
  } catch (e) {
    if (e instanceof Response) throw e; // the redirect
    return { data: undefined, error: asApiError(e) };
  }
}

// Plain Responses, which react-router reads as a redirect (3xx + Location) and as a route error
// response whose `data` is the parsed JSON body. Its own redirect()/data() would do the same, but
// importing them here made the bundler split React and react-router out of the entry chunk.
const redirectTo = (location: string) => new Response(null, { status: 302, headers: { Location: location } });

/** Ends a loader with the not-found view. */
export function notFound(view: NotFound): never {
  throw new Response(JSON.stringify(view), {
    status: 404,
    statusText: "Not Found",
    headers: { "Content-Type": "application/json" },
  });
}

export function isNotFoundView(value: unknown): value is NotFound {
  const v = value as Partial<NotFound> | null;
  return typeof v?.title === "string" && typeof v.detail === "string" && typeof v.back?.to === "string";
}
