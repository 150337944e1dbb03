// Workspace paths: relative, slash-separated, without `.`/`..` segments, and without characters
// that make one name look like another. Bidi controls reorder what a person sees ("notes‮dm.exe"
// shows as "notesexe.md"), zero-width characters make two different paths look identical, control
// characters break listings and logs, and edge spaces hide. Such paths are refused, never quietly
// repaired, and the refusal names the character and where it is.
import { INPUT_LIMITS } from "../../../schema/api";
import { CallerError } from "../../http/errors";

/** A bad path; the message starts with "path: " so both the model and API callers see the field. */
export class PathError extends CallerError {
  constructor(readonly reason: string) {
    super(`path: ${reason}`);
  }
}

const NAMED: Record<number, string> = {
  32: "SPACE",
  127: "DELETE",
  160: "NO-BREAK SPACE",
  1564: "ARABIC LETTER MARK",
  8203: "ZERO WIDTH SPACE",
  8204: "ZERO WIDTH NON-JOINER",
  8205: "ZERO WIDTH JOINER",
  8206: "LEFT-TO-RIGHT MARK",
  8207: "RIGHT-TO-LEFT MARK",
  8232: "LINE SEPARATOR",
  8233: "PARAGRAPH SEPARATOR",
  8234: "LEFT-TO-RIGHT EMBEDDING",
  8235: "RIGHT-TO-LEFT EMBEDDING",
  8236: "POP DIRECTIONAL FORMATTING",
  8237: "LEFT-TO-RIGHT OVERRIDE",
  8238: "RIGHT-TO-LEFT OVERRIDE",
  8288: "WORD JOINER",
  8294: "LEFT-TO-RIGHT ISOLATE",
  8295: "RIGHT-TO-LEFT ISOLATE",
  8296: "FIRST STRONG ISOLATE",
  8297: "POP DIRECTIONAL ISOLATE",
  12288: "IDEOGRAPHIC SPACE",
  65279: "ZERO WIDTH NO-BREAK SPACE",
};

/** Characters no path may contain: C0, DEL, C1, bidi controls, zero-width, line separators. */
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;
/** Whitespace after the start or a separator (group 1), or before the end or a separator (group 2). */
const EDGE_SPACE = /(^|[\\/])\s|\s($|[\\/])/;

/** "U+202E RIGHT-TO-LEFT OVERRIDE" */
export function describeChar(c: number): string {
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  const name =
    NAMED[c] ??
    (c < 0x20 || (c >= 0x80 && c <= 0x9f)
      ? "(a control character)"
      : c >= 0xd800 && c <= 0xdfff
        ? "(an unpaired surrogate)"
        : "(a space character)");
  return `${hex} ${name}`;
}

/** 1-based position in characters (code points), as a person counts. */
const positionOf = (s: string, index: number) => [...s.slice(0, index)].length + 1;

/** Workspace paths are relative, slash-separated, without `.`/`..` segments. Throws PathError. */
export function normalisePath(raw: string): string {
  const bad = FORBIDDEN.exec(raw);
  if (bad) {
    throw new PathError(
      `contains ${describeChar(bad[0].charCodeAt(0))} at position ${positionOf(raw, bad.index)}`,
    );
  }
  // Space at either end of the path or of any name in it ("notes /a.md"): refused, not trimmed.
  const edge = EDGE_SPACE.exec(raw);
  if (edge) {
    const at = edge[1] ? edge.index + edge[1].length : edge.index;
    const which = edge[2] === undefined ? "start" : "end";
    throw new PathError(
      `contains ${describeChar(raw.charCodeAt(at))} at position ${positionOf(raw, at)}, at the ${which} of a name; names may not begin or end with spaces`,
    );
  }
  const path = raw.replace(/\\/g, "/").replace(/^\/+/, "").replace(/\/+/g, "/");
  if (!path) throw new PathError("must not be empty");
  if (path.length > INPUT_LIMITS.pathChars)
    throw new PathError(`is longer than ${INPUT_LIMITS.pathChars} characters`);
  if (path.endsWith("/")) throw new PathError("must name a file, not a folder");
  for (const seg of path.split("/")) {
    if (seg === "." || seg === "..") throw new PathError("must not contain . or .. segments");
  }
  return path;
}
