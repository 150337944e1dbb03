// Starts the app the README's way (`npm start`) on a free port and waits until it answers.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { type Browser, chromium } from "playwright-core";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export type RunningApp = { url: string; stop: () => Promise<void>; log: () => string };

export async function startApp(
  opts: { build?: boolean; env?: Record<string, string> } = {},
): Promise<RunningApp> {
  const port = await freePort();
  const script = opts.build === false ? ["run", "serve"] : ["start"];
  const child = spawn("npm", script, {
    env: { ...process.env, PORT: String(port), ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return waitUp(child, port);
}

/**
 * Starts the built app on a given port and state directory (so engineers sharing a machine don't
 * collide), with extra vars (e.g. a short LLM_RETRY_BASE_MS). Builds first unless `build: false`.
 */
export async function startWrangler(opts: {
  port: number;
  persistTo: string;
  vars?: Record<string, string>;
  build?: boolean;
}): Promise<RunningApp> {
  const run = (cmd: string, args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      p.stdout?.on("data", (d) => {
        out += d;
      });
      p.stderr?.on("data", (d) => {
        out += d;
      });
      p.on("exit", (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")}:\n${out}`)),
      );
    });
  await run("node", ["scripts/dev-vars.mjs"]);
  if (opts.build !== false) await run("npx", ["vite", "build"]);
  await run("npx", [
    "wrangler",
    "d1",
    "migrations",
    "apply",
    "DB",
    "--local",
    "--persist-to",
    opts.persistTo,
  ]);
  const vars = Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const args = ["wrangler", "dev", "--config", "dist/baton/wrangler.json", "--port", String(opts.port)];
  args.push("--persist-to", opts.persistTo, "--show-interactive-dev-session=false", ...vars);
  return waitUp(spawn("npx", args, { stdio: ["ignore", "pipe", "pipe"], detached: true }), opts.port);
}

/** Waits until the child answers /api/health on `port`; stopping kills its process group. */
async function waitUp(child: ChildProcess, port: number): Promise<RunningApp> {
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`app did not answer within 180 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    log: () => output,
    stop: async () => {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, "SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
