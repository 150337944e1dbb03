// What a stream costs on disk: the SQLite files wrangler keeps under its --persist-to directory
// (v3/do/<script>-<Class>/<hash>.sqlite per object, v3/d1/miniflare-D1DatabaseObject/ for D1), and
// how their pages split between tables (SQLite's dbstat), read from a copy so the live file is
// never opened by a second process.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export const objectDir = (persist: string, cls: string) => join(persist, "v3", "do", `baton-${cls}`);
export const d1Dir = (persist: string) => join(persist, "v3", "d1", "miniflare-D1DatabaseObject");

/** The data files in a storage directory (not wrangler's metadata.sqlite). */
export const sqliteFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
        .map((f) => join(dir, f))
    : [];

const sizeOf = (f: string) => (existsSync(f) ? statSync(f).size : 0);

export type SqliteSize = { fileBytes: number; walBytes: number; tables: Record<string, number> };

/** A database's main file and WAL sizes, and bytes per table/index (dbstat over a copy). */
export function sqliteSize(file: string): SqliteSize {
  const dir = mkdtempSync(join(tmpdir(), "baton-sqlite-"));
  const tables: Record<string, number> = {};
  try {
    copyFileSync(file, join(dir, "db.sqlite"));
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, join(dir, "db.sqlite-wal"));
    const db = new DatabaseSync(join(dir, "db.sqlite"));
    // Fold the WAL in, so dbstat sees what the live database holds.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const rows = db
      .prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
      .all();
    for (const r of rows) tables[String(r.name)] = Number(r.bytes);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { fileBytes: sizeOf(file), walBytes: sizeOf(`${file}-wal`), tables };
}
