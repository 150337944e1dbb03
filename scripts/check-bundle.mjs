// Fails when the production bundle carries benchmark code (DESIGN §2: bench/ never ships). Run on
// what `wrangler deploy` would upload: `npm run deploy:dry-run` writes it to dist/dry-run.
//   node scripts/check-bundle.mjs [dir]      (default dist/dry-run)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// Strings only bench/worker holds: its route prefix, the bare relay's error code, the per-token
// baseline's scratch table, the SQL cost probe and its table, the old switch that mounted them.
const MARKERS = [
  "_bench",
  "relay_failed",
  "bench_token_deltas",
  "benchSqlCost",
  "bench_sql_cost",
  "BATON_BENCH",
];

const dir = process.argv[2] ?? "dist/dry-run";
const walk = (d) =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
const files = walk(dir).filter((f) => /\.(m?js|cjs|wasm|map)$/.test(f));
if (!files.some((f) => /\.m?js$/.test(f))) {
  console.error(`check-bundle: no JavaScript under ${dir}; run \`npm run deploy:dry-run\` first`);
  process.exit(2);
}
const found = [];
for (const file of files) {
  const text = readFileSync(file, "latin1");
  for (const marker of MARKERS) {
    const at = text.indexOf(marker);
    if (at >= 0)
      found.push(`${file}: "${marker}" … ${text.slice(Math.max(0, at - 60), at + 60).replace(/\s+/g, " ")}`);
  }
}
if (found.length) {
  console.error(
    `Benchmark code in the production bundle (it belongs in bench/worker/):\n  ${found.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(`bundle ok: ${files.length} files under ${dir}, no benchmark code`);
