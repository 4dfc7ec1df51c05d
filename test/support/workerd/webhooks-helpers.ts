// Shared by the webhook tests: delivering alerts to the Worker, waiting for the order desk to finish them, and
// reading what reached the fake exchange.
import { exports } from "cloudflare:workers";
import { expect, inject } from "vitest";
import type { AlertReport } from "../../../shared/webhooks/report.ts";
import { CLIENTS, REAL_KEYS } from "../credentials.ts";
import { fakeControl } from "../fake-control.ts";
import { HOOK_PASSPHRASE } from "../test-webhooks.ts";

export const fake = fakeControl(inject("fakeExchangeUrl"));
export const MAIN = REAL_KEYS.hmac.apiKey;
export const SECOND = REAL_KEYS.ed25519.apiKey;
export const READER = CLIENTS.hook.token;
let counter = 0;

export function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

/** An alert with a fresh id and time, as TradingView would send it. */
export function alertBody(fields: Record<string, unknown>): Record<string, unknown> {
  counter++;
  return {
    passphrase: HOOK_PASSPHRASE,
    id: `t${Date.now()}-${counter}`,
    time: new Date().toISOString(),
    symbol: "BTCUSDT",
    ...fields,
  };
}

export async function deliver(
  hook: string,
  body: Record<string, unknown> | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await gateway(`/hooks/${hook}`, {
    method: "POST",
    headers: { "Content-Type": typeof body === "string" ? "text/plain" : "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The hook's account's reader: the second account's hooks are read with its client's token. */
export function readerOf(hook: string): string {
  return hook === "hedge" ? CLIENTS.second.token : READER;
}

export async function status(hook: string, id: string, token: string = readerOf(hook)): Promise<Response> {
  return gateway(`/hooks/${hook}/alerts/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** Delivers an alert and waits until the desk finished it. */
export async function run(hook: string, fields: Record<string, unknown>): Promise<AlertReport> {
  const body = alertBody(fields);
  const { status: code, json } = await deliver(hook, body);
  expect(code, JSON.stringify(json)).toBe(202);
  return finished(hook, String(body.id));
}

export async function finished(hook: string, id: string): Promise<AlertReport> {
  for (let i = 0; i < 200; i++) {
    const response = await status(hook, id);
    const report = (await response.json()) as AlertReport;
    if (report.status !== "queued" && report.status !== "running") return report;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`alert ${id} never finished`);
}

/** The orders the fake received for an API key, as "SIDE positionSide TYPE qty" lines. */
export async function placed(market: "um" | "cm" = "um", apiKey: string = MAIN): Promise<string[]> {
  const requests = (await fake.requests()).filter(
    (r) =>
      r.method === "POST" &&
      r.apiKey === apiKey &&
      r.path.startsWith(market === "um" ? "/fapi/" : "/dapi/") &&
      /\/(order|algoOrder)$/.test(r.path) &&
      r.status === 200,
  );
  return requests.map((r) => {
    const p = new URLSearchParams(r.rawQuery || r.rawBody);
    return [
      p.get("side"),
      p.get("positionSide") ?? "-",
      p.get("type"),
      p.get("quantity") ?? "-",
      p.get("reduceOnly") ?? "",
    ]
      .join(" ")
      .trim();
  });
}

export async function position(
  apiKey: string = MAIN,
  market: "um" | "cm" = "um",
  symbol = "BTCUSDT",
  side = "BOTH",
) {
  const account = await fake.account(apiKey, market);
  return account.positions.find((p) => p.symbol === symbol && p.positionSide === side)?.positionAmt ?? "0";
}
