// Security headers for everything the Worker answers. The SPA's HTML and assets are served by
// the static-assets layer before the Worker runs, so web/public/_headers repeats these for them.
import { createMiddleware } from "hono/factory";

/** The SPA's policy: only our own scripts; inline styles allowed for React style props. */
export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
/** API responses are data, never documents: if one is ever rendered, it can load and run nothing. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

function apply(headers: Headers): void {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  const html = (headers.get("Content-Type") ?? "").toLowerCase().startsWith("text/html");
  if (!headers.has("Content-Security-Policy"))
    headers.set("Content-Security-Policy", html ? HTML_CSP : API_CSP);
  // Authenticated JSON must not sit in shared caches; streams set their own policy.
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
}

export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  // 101 responses carry a WebSocket, not a document; rebuilding them would drop the socket.
  if (c.res.status === 101) return;
  try {
    apply(c.res.headers);
  } catch {
    // Responses passed through from fetch() or a Durable Object have immutable headers.
    const copy = new Response(c.res.body, c.res);
    apply(copy.headers);
    c.res = copy;
  }
});
