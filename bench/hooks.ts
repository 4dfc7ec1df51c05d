// Webhook timing: how long a TradingView-style delivery waits for its answer (TradingView gives up after 3 s), and
// how long until the order desk has placed the order, for alerts sent one after another. Side by side, the same
// order sent straight through the gateway's REST path, which is the floor for "placed".

import { CLIENTS } from "../test/support/credentials.ts";
import { HOOK_PASSPHRASE } from "../test/support/test-webhooks.ts";
import { type Summary, summarise } from "./stats.ts";

export interface HookTimes {
  readonly accepted: Summary;
  readonly placed: Summary;
  readonly restOrder: Summary;
}

export async function timeHooks(baseUrl: string, alerts: number): Promise<HookTimes> {
  const accepted: number[] = [];
  const placed: number[] = [];
  const restOrder: number[] = [];
  const started = performance.now();
  for (let i = 0; i < alerts; i++) {
    const id = `bench-${Date.now()}-${i}`;
    const body = {
      passphrase: HOOK_PASSPHRASE,
      id,
      time: new Date().toISOString(),
      action: "buy",
      symbol: "BTCUSDT",
      quantity: "0.01",
    };
    const t0 = performance.now();
    const response = await fetch(`${baseUrl}/hooks/tv`, { method: "POST", body: JSON.stringify(body) });
    if (response.status !== 202)
      throw new Error(`hook answered ${response.status}: ${await response.text()}`);
    accepted.push(performance.now() - t0);
    for (;;) {
      const status = await fetch(`${baseUrl}/hooks/tv/alerts/${id}`, {
        headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
      });
      const report = (await status.json()) as { status: string };
      if (report.status === "done") break;
      if (report.status !== "queued" && report.status !== "running")
        throw new Error(`alert ${report.status}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    placed.push(performance.now() - t0);
    const t1 = performance.now();
    const order = await fetch(`${baseUrl}/fapi/v1/order`, {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" }),
    });
    if (order.status !== 200) throw new Error(`order answered ${order.status}`);
    restOrder.push(performance.now() - t1);
  }
  const elapsed = performance.now() - started;
  return {
    accepted: summarise(accepted, elapsed),
    placed: summarise(placed, elapsed),
    restOrder: summarise(restOrder, elapsed),
  };
}
