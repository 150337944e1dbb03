// Fails when a Worker module imports a layer above its own (README "Layers"): imports only go down
// schema/ ← http/ ← policy/, llm/ ← auth/ ← db/ ← loop/ ← tools/ ← objects/ ← api/ ← index.ts.
// Biome's noRestrictedImports overrides say the same per folder; this script also checks files
// Biome's patterns can't tell apart and prints the whole list at once. Cycles: Biome noImportCycles.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

const LAYERS = [
  ["schema", "worker/limits.ts", "worker/env.d.ts"],
  ["worker/http"],
  ["worker/policy", "worker/llm"],
  ["worker/auth"],
  ["worker/db"],
  ["worker/loop"],
  ["worker/tools"],
  ["worker/objects"],
  ["worker/api"],
  ["worker/index.ts"],
];
const rank = (file) => {
  const i = LAYERS.findIndex((l) => l.some((p) => file === p || file.startsWith(`${p}/`)));
  return i;
};
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
const IMPORT =
  /(?:import|export)\s[^'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']/g;
const bad = [];
for (const file of [...walk("worker"), ...walk("schema")]) {
  const own = rank(file);
  if (own < 0) {
    bad.push(`${file}: in no layer (add its folder to scripts/check-layers.mjs)`);
    continue;
  }
  for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    const target = relative(".", normalize(join(dirname(file), spec)));
    const theirs = rank(target) >= 0 ? rank(target) : rank(`${target}.ts`);
    if (theirs > own) bad.push(`${file} imports ${spec}: ${LAYERS[theirs][0]} is above ${LAYERS[own][0]}`);
  }
}
if (bad.length) {
  console.error(`Upward imports (layers in scripts/check-layers.mjs):\n  ${bad.join("\n  ")}`);
  process.exit(1);
}
console.log("layers ok");
