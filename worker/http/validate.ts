// Request input helpers: every route reads its JSON body and query through these, so malformed,
// oversized, mis-typed or unexpected input always becomes a 4xx that names the field.
import type { Context } from "hono";
import { z } from "zod";
import { INPUT_LIMITS } from "../../schema/api";
import type { ApiErrorCode, ApiErrorStatus } from "../../schema/errors";
import { ApiError, validationError } from "./errors";
import { AUTH_QUERY_PARAMS } from "./redact";

/**
 * Rewords zod's issues for people: a missing field "is required" (not "expected string, received
 * undefined", nor a schema's custom format message), and "Unrecognized keys" becomes one issue
 * per key so each unknown field is named as the field. Inputs are dropped: they never reach the
 * response.
 */
function explain(error: z.ZodError): z.ZodError {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        code: "custom",
        path: [...issue.path, key],
        message: "is not a known field",
      }));
    }
    if (issue.code === "invalid_type" && issue.input === undefined && issue.path.length > 0) {
      return [{ code: "custom", path: issue.path, message: "is required" }];
    }
    return [{ ...issue, input: undefined }];
  });
  return new z.ZodError(issues);
}

function parseWith<T extends z.ZodType>(schema: T, data: unknown, where: "body" | "query"): z.infer<T> {
  // reportInput lets explain() tell a missing field from a wrong one.
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) throw validationError(explain(result.error), where);
  return result.data;
}

const bad = <C extends ApiErrorCode>(status: ApiErrorStatus<C>, code: C, message: string) =>
  new ApiError(status, code, message, { issues: [{ field: "body", message }] });

function checkContentType(header: string | null): void {
  const [type = "", ...params] = (header ?? "").toLowerCase().split(";");
  const media = type.trim();
  const json = media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
  const charset = params.map((p) => p.trim()).find((p) => p.startsWith("charset="));
  const utf8 = !charset || ["charset=utf-8", 'charset="utf-8"', "charset=utf8"].includes(charset);
  if (!json || !utf8) {
    throw bad(
      415,
      "unsupported_media_type",
      `body: must be JSON sent with Content-Type: application/json (got ${header ? JSON.stringify(header) : "none"}).`,
    );
  }
}

const tooLarge = () =>
  bad(413, "payload_too_large", `body: must be at most ${INPUT_LIMITS.bodyBytes} bytes.`);

/**
 * The request body, at most `max` bytes: refused from a declared Content-Length before reading
 * anything, and otherwise as soon as the stream passes `max` (the rest is never read). Every route
 * that reads a body goes through here, so no body is ever buffered past its limit.
 */
export async function readBody(req: Request, max: number, refuse: () => ApiError): Promise<Uint8Array> {
  const declared = Number(req.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > max) {
    // Cancel so the runtime stops receiving it (nothing was read).
    await req.body?.cancel().catch(() => {});
    throw refuse();
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw refuse();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

export type ReadJsonOptions = {
  /** Treat an absent or empty body as `{}` (for routes whose fields are all optional). */
  allowEmpty?: boolean;
};

/**
 * The request's JSON body, validated by `schema`. 415 for a non-JSON Content-Type, 413 over
 * INPUT_LIMITS.bodyBytes, 400 for an empty body, bad UTF-8, malformed JSON, or schema failures (unknown
 * fields included, since the request schemas are strict objects).
 */
export async function readJson<T extends z.ZodType>(
  c: Context,
  schema: T,
  opts: ReadJsonOptions = {},
): Promise<z.infer<T>> {
  const req = c.req.raw;
  const declaredEmpty = !req.body || req.headers.get("Content-Length") === "0";
  if (declaredEmpty && opts.allowEmpty) return parseWith(schema, {}, "body");
  checkContentType(req.headers.get("Content-Type"));
  const bytes = await readBody(req, INPUT_LIMITS.bodyBytes, tooLarge);
  if (bytes.byteLength === 0) {
    if (opts.allowEmpty) return parseWith(schema, {}, "body");
    throw bad(400, "invalid_request", "body: is empty; send a JSON object.");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw bad(400, "invalid_encoding", "body: is not valid UTF-8.");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof SyntaxError ? ` (${err.message})` : "";
    throw bad(400, "invalid_json", `body: is not valid JSON${why}.`);
  }
  return parseWith(schema, data, "body");
}

/**
 * The query string validated by `schema`. Empty values count as absent; a repeated parameter is
 * refused; `access_token` and `ticket` are removed first: they are authentication, not route input.
 */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(c.req.url).searchParams) {
    if (AUTH_QUERY_PARAMS.has(key) || value === "") continue;
    if (params.has(key)) {
      throw new ApiError(400, "invalid_request", `Invalid query. ${key}: must be given at most once.`, {
        issues: [{ field: key, message: "must be given at most once" }],
      });
    }
    params.set(key, value);
  }
  return parseWith(schema, Object.fromEntries(params), "query");
}
