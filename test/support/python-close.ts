// Runs test/support/close-handshake.py with Debian's python3 (its websocket-client, the library under Binance's
// Python connectors) and hands back the JSON lines it prints, as they come.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface CloseTarget {
  readonly name: string;
  readonly url: string;
  readonly code?: number;
  readonly reason?: string;
}

export type PythonLine = Record<string, unknown> & { readonly name: string };

const SCRIPT = new URL("./close-handshake.py", import.meta.url).pathname;

/** Starts the script; `lines` yields each printed line; `done` resolves when it exits (rejects on failure). */
export function runCloseScript(request: {
  mode: "close" | "await";
  timeout: number;
  targets: readonly CloseTarget[];
}): { lines: AsyncIterable<PythonLine>; done: Promise<void> } {
  const child = spawn("/usr/bin/python3", [SCRIPT, JSON.stringify(request)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`close-handshake.py exited ${code}: ${stderr}`)),
    );
  });
  const reader = createInterface({ input: child.stdout });
  async function* lines(): AsyncGenerator<PythonLine> {
    for await (const line of reader) yield JSON.parse(line) as PythonLine;
  }
  return { lines: lines(), done };
}

/** Runs the script to the end and returns every line it printed. */
export async function closeResults(request: Parameters<typeof runCloseScript>[0]): Promise<PythonLine[]> {
  const run = runCloseScript(request);
  const results: PythonLine[] = [];
  for await (const line of run.lines) results.push(line);
  await run.done;
  return results;
}
