// Run by `npm run dev` and `npm start`: makes sure the git-ignored .dev.vars holds what local runs
// need for connectors (DESIGN §10) — a random BATON_SECRET_KEY (the key connector secrets are
// encrypted with) and ALLOW_PRIVATE_CONNECTORS=1 (so a connector may point at a server on this
// machine). Adds only what is missing; never changes a value that is there. Production sets the key
// with `wrangler secret put BATON_SECRET_KEY` and leaves private addresses refused.
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

const path = ".dev.vars";
const existing = existsSync(path) ? readFileSync(path, "utf8") : null;
const has = (key) => existing !== null && new RegExp(`^\\s*${key}\\s*=`, "m").test(existing);

const add = [];
if (!has("BATON_SECRET_KEY")) add.push(`BATON_SECRET_KEY=${randomBytes(32).toString("base64url")}`);
if (!has("ALLOW_PRIVATE_CONNECTORS")) add.push("ALLOW_PRIVATE_CONNECTORS=1");

if (add.length) {
  const block = `# Added by scripts/dev-vars.mjs for local runs (connectors); never commit this file.\n${add.join("\n")}\n`;
  if (existing === null) writeFileSync(path, block, { mode: 0o600 });
  else appendFileSync(path, `${existing.endsWith("\n") || existing === "" ? "" : "\n"}${block}`);
  console.log(`${path}: added ${add.map((l) => l.split("=")[0]).join(", ")}`);
}
