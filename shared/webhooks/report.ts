// What happened to an alert: the record kept by the account's order desk, answered by
// GET /hooks/<hook>/alerts/<id> and posted to the hook's notify URL. Binance's answers are kept as the exact text
// Binance sent (order ids above 2^53 stay exact).

import { toHex, utf8 } from "../encoding/bytes.ts";

export type AlertStatus =
  /** Accepted, waiting for the desk. */
  | "queued"
  | "running"
  /** Every call succeeded. */
  | "done"
  /** The entry went through but a later call (a bracket) failed: check the position. */
  | "partial"
  /** Nothing was placed: a limit, a rule or the exchange's state said no. */
  | "refused"
  /** Nothing of the order was placed: Binance refused its first call, or the account could not be read. */
  | "failed"
  /** Binance did not confirm an order and the gateway could not settle it: query its client order id. */
  | "unknown"
  /** The hook is in dry-run mode: the plan, nothing placed. */
  | "dry-run";

export type StepStatus = "planned" | "sending" | "ok" | "failed" | "unknown" | "skipped";

export interface StepReport {
  readonly summary: string;
  readonly method: string;
  readonly path: string;
  readonly params: readonly (readonly [string, string])[];
  /** The deterministic client order (or algo) id the step was sent with, if it places an order. */
  readonly clientOrderId: string | null;
  /** Notional it opens (decimal text; "0" for reducing, closing and settings), counted per minute once placed. */
  readonly opens: string;
  status: StepStatus;
  /** When it was first sent (ms). */
  sentAt?: number;
  httpStatus?: number;
  /** Binance's answer, as text. */
  response?: string;
}

export interface AlertReport {
  readonly hook: string;
  readonly id: string;
  readonly receivedAt: number;
  status: AlertStatus;
  action: string | null;
  symbol: string | null;
  /** Why it was refused or failed, in one sentence. */
  reason: string | null;
  steps: StepReport[];
  finishedAt: number | null;
}

/** A one-line summary for chat notifications. */
export function outcomeLine(report: AlertReport): string {
  const what = `${report.action ?? "alert"} ${report.symbol ?? ""}`.trim();
  const head = `[${report.hook}] ${what} (${report.id}): ${report.status}`;
  const placed = report.steps.filter((step) => step.status === "ok").map((step) => step.summary);
  const planned = report.status === "dry-run" ? report.steps.map((step) => `would ${step.summary}`) : [];
  const parts = [head, ...(report.reason === null ? [] : [report.reason]), ...placed, ...planned];
  return parts.join("\n");
}

/** The body to post to a notify URL: Discord, Slack and Telegram get their own shapes, anything else the report. */
export function notificationBody(url: string, report: AlertReport): string {
  const host = safeHost(url);
  const text = outcomeLine(report);
  if (host === "discord.com" || host === "discordapp.com")
    return JSON.stringify({ content: text.slice(0, 2000) });
  if (host === "hooks.slack.com") return JSON.stringify({ text });
  if (host === "api.telegram.org") {
    // Telegram's sendMessage takes chat_id from the URL's query (…/sendMessage?chat_id=123) and text here.
    const chatId = new URL(url).searchParams.get("chat_id");
    return JSON.stringify(chatId === null ? { text } : { chat_id: chatId, text });
  }
  return JSON.stringify({ text, report });
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}

/**
 * The client order id of step `index` of an alert: the same for every delivery of the alert, so a step sent
 * twice (after a restart) is found instead of placed again. "wh-" and 32 hex digits: Binance allows 36.
 */
export async function stepClientId(hook: string, alert: string, index: number): Promise<string> {
  const bytes = new Uint8Array(
    await crypto.subtle.digest("SHA-256", utf8.encode(`${hook}\u0000${alert}\u0000${index}`)),
  );
  return `wh-${toHex(bytes.slice(0, 16))}`;
}
