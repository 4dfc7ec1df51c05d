// Structured JSON logs, one object per line (Workers Logs indexes the fields). Callers pass only safe fields:
// paths without query strings, client names, statuses, timings. Never parameters, keys or signatures.

import type { LogFields } from "../shared/log-fields.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
}

/** `minimum`: LOG_LEVEL as workers/config reads it (logLevelOf). */
export function createLogger(minimum: LogLevel): Logger {
  const floor = RANK[minimum];
  return {
    log(level, msg, fields) {
      if (RANK[level] < floor) return;
      const line = JSON.stringify({ level, msg, ...fields });
      if (level === "error") console.error(line);
      else if (level === "warn") console.warn(line);
      else console.log(line);
    },
  };
}
