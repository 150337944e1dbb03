// The error codes and close codes of schema/errors.ts are all the server sends, and docs/API.md
// lists exactly them. Types do most of the work (ApiError, Refusal, error frames and run.failed are
// typed by the unions, so a typo fails typecheck — asserted below with @ts-expect-error); the scan
// of worker/ catches a code that reaches the wire around the types (a cast, a plain object).
import { describe, expect, expectTypeOf, it } from "vitest";
import apiDoc from "../docs/API.md?raw";
import { ApiError, type Refusal } from "../worker/http/errors";
import {
  API_ERRORS,
  type ApiErrorCode,
  RUN_FAILURES,
  type RunFailureCode,
  SOCKET_ERRORS,
  type SocketErrorCode,
  WS_CLOSE,
  WS_CLOSE_MEANINGS,
} from "./errors";
import type { EventOf, ServerFrame } from "./events";

/** Every non-test source of the Worker, by path, read by Vite at build time (workerd has no fs). */
const SOURCES = import.meta.glob<string>(["../worker/**/*.ts", "!../worker/**/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

/** `code: "…"` literals in worker/ that are not error codes, and why. */
const NOT_ERROR_CODES: Record<string, string> = {
  custom: "a zod issue code (http/validate.ts rewords issues)",
  llm_stalled: "a retried attempt's stop reason (loop/model-call.ts classify)",
  llm_stream_error: "a retried attempt's stop reason",
  llm_rate_limited: "a retried attempt's stop reason",
  llm_overloaded: "a retried attempt's stop reason",
  llm_server_error: "a retried attempt's stop reason",
  llm_disconnected: "a retried attempt's stop reason",
  relay_failed: "the internal benchmark relay's own socket (/api/_bench), not the stream protocol",
};

const SERVER_CODES = new Set<string>([
  ...Object.keys(API_ERRORS),
  ...Object.keys(SOCKET_ERRORS),
  ...Object.keys(RUN_FAILURES),
]);

/** Code literals in a source: `code: "x"`, and the code argument of the calls that make errors. */
function codesIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bcode:\s*"([a-z_]+)"/g)) found.push(m[1]!);
  // new ApiError(409, "archived", …), bad(415, "…", …), fieldError(400, "…", …), over lines too.
  for (const m of text.matchAll(/\b(?:ApiError|bad|fieldError)\(\s*\d{3},\s*"([a-z_]+)"/g)) found.push(m[1]!);
  // new CallFailed(c.retry ? "llm_unavailable" : c.code, …): every literal in its first argument.
  for (const m of text.matchAll(/\bCallFailed\(\s*([^,]*),/g)) {
    for (const lit of m[1]!.matchAll(/"([a-z_]+)"/g)) found.push(lit[1]!);
  }
  return found;
}

describe("the server sends only the codes of schema/errors.ts", () => {
  it("finds worker sources to scan", () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(40);
    expect(codesIn(SOURCES["../worker/auth/origin.ts"] ?? "")).toContain("bad_origin");
  });

  it("every code literal in worker/ is in a union (or known not to be an error code)", () => {
    const unknown: string[] = [];
    for (const [path, text] of Object.entries(SOURCES)) {
      if (path.startsWith("../worker/llm/simulator/")) continue; // speaks Anthropic's protocol
      for (const code of codesIn(text)) {
        if (!SERVER_CODES.has(code) && !(code in NOT_ERROR_CODES)) unknown.push(`${path}: ${code}`);
      }
    }
    expect(unknown, "add the code to schema/errors.ts (and docs/API.md), or fix it").toEqual([]);
  });

  it("every code in the lists is produced somewhere in worker/ (no code the server never sends)", () => {
    const produced = new Set(Object.values(SOURCES).flatMap(codesIn));
    expect([...SERVER_CODES].filter((c) => !produced.has(c))).toEqual([]);
  });

  it("a code shared by HTTP and the socket stands for the same status; close codes are 4000 + one", () => {
    for (const [code, { status }] of Object.entries(SOCKET_ERRORS)) {
      const http = API_ERRORS[code as ApiErrorCode] as { status: number } | undefined;
      if (http) expect(status, code).toBe(http.status);
    }
    for (const [name, close] of Object.entries(WS_CLOSE)) {
      expect(API_ERRORS[name as ApiErrorCode]?.status, name).toBe(close - 4000);
      expect(WS_CLOSE_MEANINGS[close]).toBeTruthy();
    }
  });

  it("types: the server's error shapes take exactly these codes", () => {
    expectTypeOf<ApiError["code"]>().toEqualTypeOf<ApiErrorCode>();
    expectTypeOf<Extract<ServerFrame, { type: "error" }>["code"]>().toEqualTypeOf<SocketErrorCode>();
    expectTypeOf<EventOf<"run.failed">["error"]["code"]>().toEqualTypeOf<RunFailureCode>();
    expectTypeOf<Refusal["code"]>().toExtend<ApiErrorCode & SocketErrorCode>();
    // @ts-expect-error a typo in a code
    void new ApiError(404, "not_fund", "x");
    // @ts-expect-error a code with the wrong status
    void new ApiError(409, "not_found", "x");
    // @ts-expect-error a socket error frame with an HTTP-only code
    void { type: "error", code: "bad_origin", message: "x" } satisfies ServerFrame;
    // @ts-expect-error a run failure code that isn't one
    void { code: "failed", message: "x" } satisfies EventOf<"run.failed">["error"];
  });
});

/** The backticked codes of each row of the markdown table whose header starts with `header`. */
function table(doc: string, header: string): Map<string, string[]> {
  const lines = doc.split("\n");
  const start = lines.findIndex((l) => l.replace(/\s+/g, " ").startsWith(`| ${header}`));
  expect(start, `docs/API.md has a table headed "${header}"`).toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const [key = "", rest = ""] = line.split("|").slice(1);
    rows.set(
      key.trim().replace(/`/g, ""),
      [...`${key}${rest}`.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!),
    );
  }
  return rows;
}

describe("docs/API.md lists every code", () => {
  it("the Errors table: each HTTP code at its status, and no other", () => {
    const listed = new Map<string, number>();
    for (const [status, codes] of table(apiDoc, "status | codes")) {
      for (const code of codes) listed.set(code, Number(status));
    }
    const expected = new Map(Object.entries(API_ERRORS).map(([code, e]) => [code, e.status as number]));
    expect(Object.fromEntries(listed)).toEqual(Object.fromEntries(expected));
  });

  it("the error-frame, close-code and run.failed tables", () => {
    expect([...table(apiDoc, "error frame `code`").keys()].sort()).toEqual(Object.keys(SOCKET_ERRORS).sort());
    const closes = [...table(apiDoc, "close code").keys()].filter((k) => /^\d+$/.test(k));
    expect(closes.map(Number).sort()).toEqual(Object.values(WS_CLOSE).sort());
    expect([...table(apiDoc, "`run.failed` code").keys()].sort()).toEqual(Object.keys(RUN_FAILURES).sort());
  });
});
