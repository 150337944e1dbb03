// Shared helpers for the accounts/auth tests: call the Worker like a browser or a script would.
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";

export const ORIGIN = "https://baton.test";
export const PASSWORD = "correct horse battery";

let ipSeq = 0;
/** Every test gets its own client IP so per-IP rate limits never couple tests. */
export const freshIp = () => {
  ipSeq += 1;
  return `10.${Math.floor(Math.random() * 250)}.${ipSeq >> 8}.${ipSeq & 255}`;
};
export const uniqueEmail = (tag = "user") => `${tag}-${crypto.randomUUID().slice(0, 8)}@example.com`;

export type CallOptions = {
  method?: string;
  /** JSON-encoded unless already a string. */
  body?: unknown;
  /** Raw session id (the cookie value). */
  cookie?: string;
  token?: string;
  /** Defaults to ORIGIN for writes; null sends none. */
  origin?: string | null;
  ip?: string;
  headers?: Record<string, string>;
};

export function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const method = opts.method ?? (opts.body === undefined ? "GET" : "POST");
  const headers = new Headers(opts.headers);
  if (opts.body !== undefined && !headers.has("Content-Type"))
    headers.set("Content-Type", "application/json");
  if (opts.cookie) headers.set("Cookie", `__Host-baton_session=${opts.cookie}`);
  if (opts.token) headers.set("Authorization", `Bearer ${opts.token}`);
  const origin = opts.origin === undefined ? (method === "GET" ? null : ORIGIN) : opts.origin;
  if (origin) headers.set("Origin", origin);
  headers.set("CF-Connecting-IP", opts.ip ?? freshIp());
  const body =
    opts.body === undefined
      ? undefined
      : typeof opts.body === "string"
        ? opts.body
        : JSON.stringify(opts.body);
  return SELF.fetch(`${ORIGIN}${path}`, { method, headers, body });
}

/** The session id a response set, or null (also null when it cleared the cookie). */
export function sessionFrom(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^__Host-baton_session=([^;]*)/.exec(line);
    if (m?.[1]) return m[1];
  }
  return null;
}

export type Account = { email: string; password: string; cookie: string; userId: string };

export async function signup(email = uniqueEmail(), password = PASSWORD): Promise<Account> {
  const res = await call("/api/auth/signup", { body: { email, password } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const me = await res.json<{ user: { id: string } }>();
  const cookie = sessionFrom(res);
  if (!cookie) throw new Error("signup set no session cookie");
  return { email, password, cookie, userId: me.user.id };
}

export async function newToken(account: Account, name = "ci"): Promise<{ id: string; secret: string }> {
  const res = await call("/api/tokens", { body: { name }, cookie: account.cookie });
  if (res.status !== 201) throw new Error(`token create failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };
export const errorOf = (res: Response) => res.json<ErrorBody>();

export const db = () => env.DB;
