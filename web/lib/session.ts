// Account endpoints used before any other page loads (the auth guard and the sign-in form), kept
// free of zod so the first screen stays small. The account answers are checked by hand.
import type { Me } from "../../schema/api";
import { ApiError, type Parser, request } from "./http";
import { rememberSignedIn, signedInHint } from "./signedIn";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

export const meParser: Parser<Me> = {
  safeParse(value) {
    const user = isRecord(value) ? value.user : undefined;
    const ok =
      isRecord(value) &&
      isRecord(user) &&
      typeof user.id === "string" &&
      typeof user.email === "string" &&
      (value.llm === "anthropic" || value.llm === "simulator");
    return ok
      ? { success: true, data: value as Me }
      : { success: false, error: { issues: [{ message: "not a /api/me answer" }] } };
  },
};

/** GET /api/auth/session: `{me}` or `{me: null}`. */
const sessionParser: Parser<{ me: Me | null }> = {
  safeParse(value) {
    const me = isRecord(value) ? value.me : undefined;
    if (me === null) return { success: true, data: { me: null } };
    const parsed = meParser.safeParse(me);
    return parsed.success ? { success: true, data: { me: parsed.data } } : parsed;
  },
};

type Ok = { ok?: boolean };

/** The account check said signed out and no one signed in since: the sign-in page needn't ask again. */
let signedOut = false;
const signedIn = <T>(p: Promise<T>): Promise<T> =>
  p.then((v) => {
    signedOut = false;
    rememberSignedIn(true);
    return v;
  });

/** The account check in flight, shared by everyone who asks meanwhile (the shell and the pages' loaders). */
let checking: Promise<Me> | null = null;

/**
 * Who is signed in, asked of GET /api/auth/session, which never answers 401 (a signed-out visit logs
 * no failed request). Signed out is thrown as the 401 ApiError the loaders turn into a redirect.
 */
function checkSession(): Promise<Me> {
  checking ??= request("GET", "/api/auth/session", undefined, sessionParser)
    .then(({ me }) => {
      if (!me) {
        signedOut = true;
        rememberSignedIn(false);
        throw new ApiError(401, "unauthenticated", "Sign in first.");
      }
      signedOut = false;
      rememberSignedIn(true);
      return me;
    })
    .finally(() => {
      checking = null;
    });
  return checking;
}

export const session = {
  signup: (email: string, password: string) =>
    signedIn(
      request<Me | Ok>("POST", "/api/auth/signup", { email, password }, undefined, { quiet401: true }),
    ),
  login: (email: string, password: string) =>
    signedIn(request<Me | Ok>("POST", "/api/auth/login", { email, password }, undefined, { quiet401: true })),
  logout: () =>
    request<Ok>("POST", "/api/auth/logout").finally(() => {
      signedOut = true;
      rememberSignedIn(false);
    }),
  me: checkSession,
  knownSignedOut: () => signedOut,
  /**
   * Before a page's request: resolves at once when this browser is known to be signed in, throws
   * the 401 when it is known to be signed out, and otherwise waits for the account check.
   */
  whenSignedIn: async (): Promise<void> => {
    if (signedInHint()) return;
    if (signedOut) throw new ApiError(401, "unauthenticated", "Sign in first.");
    await checkSession();
  },
  /** Ends every other session (this one is renewed by the answer's cookie) and, unless kept, the API tokens. */
  changePassword: (currentPassword: string, newPassword: string, keepTokens = false) =>
    request("POST", "/api/auth/password", { currentPassword, newPassword, keepTokens }, meParser),
};
