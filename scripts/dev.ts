// `npm run dev`: wrangler dev on 127.0.0.1, its console passed through line by line with credentials in request
// paths hidden (a `/k/<credential>/` prefix and relay listen keys, shared/streams/redact.ts), since wrangler
// prints every request's path. Arguments go to wrangler (`npm run dev -- --port 8788`). The price: with its
// output piped, wrangler shows no hotkeys; Ctrl-C stops it as before.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { redactCredentials } from "../shared/streams/redact.ts";

const child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", ...process.argv.slice(2)], {
  stdio: ["inherit", "pipe", "pipe"],
  env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) },
  shell: process.platform === "win32",
});

function pass(from: Readable | null, to: Writable): void {
  if (from === null) return;
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    to.write(`${redactCredentials(line)}\n`);
  });
}
pass(child.stdout, process.stdout);
pass(child.stderr, process.stderr);

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
