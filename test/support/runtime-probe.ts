// Measuring the Worker's runtime from the test process, for the relay's load tests: the workerd processes this
// process started (read from /proc), their memory and CPU time, and a plain `ws` client to drive them.

import { readFileSync } from "node:fs";
import WebSocket from "ws";

/** workerd processes among this process's descendants (the Worker's runtime and wrangler's proxy). */
export function workerdProcesses(): number[] {
  const found: number[] = [];
  const visit = (pid: number) => {
    let children: number[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return;
    }
    for (const child of children) {
      try {
        if (readFileSync(`/proc/${child}/comm`, "utf8").trim() === "workerd") found.push(child);
      } catch {
        continue; // Gone meanwhile.
      }
      visit(child);
    }
  };
  visit(process.pid);
  return found;
}

/** Resident memory of those processes together, in MB, leaving out `others` (there before the Worker). */
export function rssMb(others: ReadonlySet<number>): number {
  let kb = 0;
  for (const pid of workerdProcesses()) {
    if (others.has(pid)) continue;
    kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/** CPU time (in 10 ms ticks) of those processes, leaving out `others`. */
export function cpuTicks(others: ReadonlySet<number>): number {
  let ticks = 0;
  for (const pid of workerdProcesses()) {
    if (others.has(pid)) continue;
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks;
}

export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
