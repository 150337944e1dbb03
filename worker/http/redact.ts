// Credentials must never reach a log line or an object: URLs and error text are scrubbed first.
// (The platform's own request records keep the full URL whatever we do; see stream-tickets.ts.)

/** Query parameters that carry a credential on WebSocket/SSE requests (see middleware.ts). */
export const AUTH_QUERY_PARAMS: ReadonlySet<string> = new Set(["access_token", "ticket"]);

/** `url` without its credential parameters, e.g. before forwarding a request to an object. */
export function withoutCredentials(url: string): string {
  const u = new URL(url);
  if (![...AUTH_QUERY_PARAMS].some((p) => u.searchParams.has(p))) return url;
  for (const p of AUTH_QUERY_PARAMS) u.searchParams.delete(p);
  return u.href;
}

/** `text` (an error's message or stack, say) with credential-looking strings masked. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(access_token|ticket)=[^&\s#"'<>]*/gi, "$1=[redacted]")
    .replace(/\b(bat|bst)_[A-Za-z0-9_-]{8,}/g, "$1_[redacted]")
    .replace(/(__Host-baton_session=)[^;\s"']*/g, "$1[redacted]");
}
