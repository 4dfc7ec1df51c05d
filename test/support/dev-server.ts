// Runs the gateway exactly as a user does: `npm run dev` (wrangler dev) in a copy of the project whose .dev.vars
// the test writes, with no bindings injected from the test. The copy lives in a temporary directory (the
// developer's own .dev.vars and .wrangler state are never touched) and shares this checkout's node_modules.

import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
/** What `npm run dev` needs of the checkout: config, sources, the page and the scripts. */
const COPIED = [
  "package.json",
  "wrangler.toml",
  "tsconfig.json",
  "tsconfig.base.json",
  ".dev.vars.example",
  "workers",
  "shared",
  "client",
  "web",
  "scripts",
];

export interface DevServer {
  readonly url: string;
  /** Everything wrangler dev printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** `devVars`: the .dev.vars file's text, as a user would write it. */
export async function startDevServer(devVars: string, timeoutMs = 60_000): Promise<DevServer> {
  const dir = mkdtempSync(join(tmpdir(), "gateway-dev-"));
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, ".dev.vars"), devVars);
  const port = await freePort();
  const child = spawn("npm", ["run", "dev", "--", "--port", String(port)], {
    cwd: dir,
    // Its own process group, so stopping it stops wrangler and workerd with it.
    detached: true,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, () => output, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited early:\n${output()}`);
    try {
      // Any answer from the Worker means it is up; the page is served from static assets.
      const response = await fetch(`${url}/gateway/health`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`npm run dev did not answer within ${timeoutMs} ms:\n${output()}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const killed = await Promise.race([
    exited.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 5000)),
  ]);
  if (!killed) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One line of a .dev.vars file as a user writes it: JSON in single quotes (taken literally), a PEM key in double
 * quotes with its newlines written as \n (which dotenv turns back into newlines).
 */
export function devVarLine(name: string, value: string): string {
  if (value.includes("\n")) {
    if (/["\\]/.test(value)) throw new Error(`${name}: a multi-line value with quotes or backslashes`);
    return `${name}="${value.replaceAll("\n", "\\n")}"`;
  }
  if (value.includes("'")) throw new Error(`${name}: a value with a single quote`);
  return `${name}='${value}'`;
}
