// Account endpoints used before any other page loads (the auth guard and the sign-in form), kept
// free of zod so the first screen stays small. The /api/me answer is checked by hand.
import type { Me } from "../../schema/api";
import { ApiError, type Parser, request } from "./http";

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

type Ok = { ok?: boolean };

/** /api/me answered 401 and no one signed in since: the sign-in page needn't ask again. */
let signedOut = false;
const signedIn = <T>(p: Promise<T>): Promise<T> =>
  p.then((v) => {
    signedOut = false;
    return v;
  });

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
    }),
  me: () =>
    signedIn(request("GET", "/api/me", undefined, meParser, { quiet401: true })).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) signedOut = true;
      throw e;
    }),
  knownSignedOut: () => signedOut,
  /** Ends every other session (this one is renewed by the answer's cookie) and, unless kept, the API tokens. */
  changePassword: (currentPassword: string, newPassword: string, keepTokens = false) =>
    request("POST", "/api/auth/password", { currentPassword, newPassword, keepTokens }, meParser),
};
