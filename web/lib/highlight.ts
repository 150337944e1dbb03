// A tiny syntax highlighter: one regex tokenizer per language family (comments, strings, numbers,
// keywords). Good enough for reading code in chat and file previews, a few KB instead of a
// highlighting library. Output is escaped HTML, safe to inject.
export type Token = {
  type: "comment" | "string" | "number" | "keyword" | "literal" | "tag" | "attr" | "text";
  text: string;
};

type Lang = { comment: string[]; strings: string[]; keywords: string[]; literals: string[]; tags?: boolean };

const C_LIKE_LITERALS = [
  "true",
  "false",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "this",
  "super",
  "nil",
  "None",
  "True",
  "False",
  "self",
];

const JS = {
  comment: ["//", "/*"],
  strings: ['"', "'", "`"],
  keywords:
    "async await break case catch class const continue debugger default delete do else enum export extends finally for from function if implements import in instanceof interface let new of package private protected public return satisfies static switch throw try type typeof var void while with yield as readonly keyof declare namespace abstract".split(
      " ",
    ),
  literals: C_LIKE_LITERALS,
};

const LANGS: Record<string, Lang> = {
  js: JS,
  json: { comment: [], strings: ['"'], keywords: [], literals: ["true", "false", "null"] },
  python: {
    comment: ["#"],
    strings: ['"""', "'''", '"', "'"],
    keywords:
      "and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case".split(
        " ",
      ),
    literals: ["None", "True", "False", "self"],
  },
  shell: {
    comment: ["#"],
    strings: ['"', "'"],
    keywords:
      "if then else elif fi for in do done while case esac function return export local echo cd set unset".split(
        " ",
      ),
    literals: [],
  },
  go: {
    comment: ["//", "/*"],
    strings: ['"', "`", "'"],
    keywords:
      "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var".split(
        " ",
      ),
    literals: ["true", "false", "nil", "iota"],
  },
  rust: {
    comment: ["//", "/*"],
    strings: ['"'],
    keywords:
      "as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return static struct trait type unsafe use where while".split(
        " ",
      ),
    literals: ["true", "false", "self", "Self", "None", "Some", "Ok", "Err"],
  },
  sql: {
    comment: ["--", "/*"],
    strings: ["'", '"'],
    keywords:
      "select from where and or not insert into values update set delete create table index primary key foreign references join left right inner outer on group by order having limit offset as distinct union all case when then else end alter drop if exists null default".split(
        " ",
      ),
    literals: ["true", "false", "null"],
  },
  css: { comment: ["/*"], strings: ['"', "'"], keywords: [], literals: ["!important"] },
  html: { comment: ["<!--"], strings: ['"', "'"], keywords: [], literals: [], tags: true },
  c: {
    comment: ["//", "/*"],
    strings: ['"', "'"],
    keywords:
      "auto break case char const continue default do double else enum extern float for goto if int long register return short signed sizeof static struct switch typedef union unsigned void volatile while class public private protected virtual template typename namespace using new delete include define".split(
        " ",
      ),
    literals: ["true", "false", "NULL", "nullptr", "this"],
  },
};

const ALIASES: Record<string, string> = {
  javascript: "js",
  jsx: "js",
  ts: "js",
  tsx: "js",
  typescript: "js",
  mjs: "js",
  cjs: "js",
  py: "python",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  console: "shell",
  golang: "go",
  rs: "rust",
  scss: "css",
  xml: "html",
  svg: "html",
  htm: "html",
  cpp: "c",
  h: "c",
  hpp: "c",
  java: "c",
  cs: "c",
  kotlin: "c",
  swift: "c",
  jsonc: "js",
  yaml: "shell",
  yml: "shell",
  toml: "shell",
};

export function resolveLang(lang: string | undefined): string | null {
  if (!lang) return null;
  const l = lang.toLowerCase().trim();
  const key = ALIASES[l] ?? l;
  return LANGS[key] ? key : null;
}

/** Language from a file name's extension, for previews. */
export function langFromPath(path: string): string | null {
  const ext = path.split(".").pop()?.toLowerCase() ?? "";
  return resolveLang(ext);
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const compiled = new Map<string, RegExp>();
function regexFor(key: string, lang: Lang): RegExp {
  const hit = compiled.get(key);
  if (hit) return hit;
  const parts: string[] = [];
  for (const c of lang.comment) {
    if (c === "/*") parts.push("(?<comment>\\/\\*[\\s\\S]*?(?:\\*\\/|$))");
    else if (c === "<!--") parts.push("(?<comment><!--[\\s\\S]*?(?:-->|$))");
    else parts.push(`(?<comment${parts.length}>${escapeRe(c)}[^\\n]*)`);
  }
  lang.strings.forEach((q, i) => {
    const e = escapeRe(q);
    parts.push(
      q.length === 3
        ? `(?<string${i}>${e}[\\s\\S]*?(?:${e}|$))`
        : `(?<string${i}>${e}(?:\\\\[\\s\\S]|(?!${e})[^\\\\${q === "`" ? "" : "\\n"}])*(?:${e}|$))`,
    );
  });
  if (lang.tags) {
    parts.push("(?<tag><\\/?[A-Za-z][\\w:-]*|\\/?>)");
    parts.push("(?<attr>\\b[\\w:-]+(?==))");
  }
  parts.push("(?<number>\\b(?:0x[\\da-fA-F_]+|\\d[\\d_]*(?:\\.\\d+)?(?:e[+-]?\\d+)?)\\b)");
  parts.push("(?<word>[A-Za-z_$][\\w$]*)");
  const re = new RegExp(parts.join("|"), "gm");
  compiled.set(key, re);
  return re;
}

export function tokenize(code: string, langName: string | null | undefined): Token[] {
  const key = resolveLang(langName ?? undefined);
  if (!key) return [{ type: "text", text: code }];
  const lang = LANGS[key]!;
  const keywords = new Set(
    key === "sql" ? lang.keywords.flatMap((k) => [k, k.toUpperCase()]) : lang.keywords,
  );
  const literals = new Set(lang.literals);
  const re = regexFor(key, lang);
  re.lastIndex = 0;
  const out: Token[] = [];
  let last = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (m[0] === "") {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) out.push({ type: "text", text: code.slice(last, m.index) });
    const g = m.groups ?? {};
    const name = Object.keys(g).find((k) => g[k] !== undefined) ?? "word";
    let type: Token["type"] = "text";
    if (name.startsWith("comment")) type = "comment";
    else if (name.startsWith("string"))
      type = key === "json" && /^\s*:/.test(code.slice(re.lastIndex)) ? "attr" : "string";
    else if (name === "number") type = "number";
    else if (name === "tag") type = "tag";
    else if (name === "attr") type = "attr";
    else if (keywords.has(m[0])) type = "keyword";
    else if (literals.has(m[0])) type = "literal";
    out.push({ type, text: m[0] });
    last = re.lastIndex;
  }
  if (last < code.length) out.push({ type: "text", text: code.slice(last) });
  return out;
}

export function highlightToHtml(code: string, lang: string | null | undefined): string {
  return tokenize(code, lang)
    .map((t) => (t.type === "text" ? esc(t.text) : `<span class="tok-${t.type}">${esc(t.text)}</span>`))
    .join("");
}

export const escapeHtml = esc;
