// Shared by the webhook unit tests: a hook, an alert body, the exchange as the desk reads it (BTCUSDT's rules,
// its price, an account), and the reports of an alert the desk was running.
import { decimal } from "../../shared/decimal.ts";
import type { ExchangeView } from "../../shared/webhooks/alert-transition.ts";
import { type Hook, parseHooks } from "../../shared/webhooks/config.ts";
import type { AccountView, SymbolRules } from "../../shared/webhooks/plan.ts";
import type { AlertReport, StepReport } from "../../shared/webhooks/report.ts";

export const PASS = "correct-horse-battery-staple";
/** When the test alerts fired. */
export const T0 = Date.parse("2026-11-23T12:00:00Z");

/** The hook `tv` on the main account's USDⓈ-M, with these settings. */
export function hookOf(settings: Record<string, unknown> = {}): Hook {
  const parsed = parseHooks(
    JSON.stringify({
      tv: { passphrase: PASS, symbols: ["BTCUSDT", "BTCUSD_PERP"], maxNotional: "5000", ...settings },
    }),
  );
  if (!parsed.ok) throw new Error(parsed.error.message);
  const hook = parsed.value.get("tv");
  if (hook === undefined) throw new Error("no hook");
  return hook;
}

/** An alert body as the desk stores it (no passphrase), fired at T0. */
export function bodyOf(fields: Record<string, unknown>): string {
  return JSON.stringify({ id: "a1", time: "2026-11-23T12:00:00Z", symbol: "BTCUSDT", ...fields });
}

export const UM_RULES: SymbolRules = {
  symbol: "BTCUSDT",
  tickSize: decimal("0.10"),
  stepSize: decimal("0.001"),
  minQty: decimal("0.001"),
  maxQty: decimal("1000"),
  marketMaxQty: decimal("120"),
  minNotional: decimal("100"),
  contractSize: null,
};
export const PRICE = decimal("60000.00");

/** A one-way account without positions, at 10x cross, with 10000 USDT available; changed as given. */
export function accountOf(change: Partial<AccountView> = {}): AccountView {
  return {
    hedge: false,
    both: decimal("0"),
    long: decimal("0"),
    short: decimal("0"),
    leverage: 10,
    marginType: "CROSSED",
    availableBalance: decimal("10000"),
    ...change,
  };
}

/** BTCUSDT as the desk reads it: its rules, its price, the account. */
export const VIEW: ExchangeView = { rules: UM_RULES, price: PRICE, account: accountOf() };

export function stepOf(change: Partial<StepReport> = {}): StepReport {
  return {
    summary: "BUY 0.010 BTCUSDT at market",
    method: "POST",
    path: "/fapi/v1/order",
    params: [
      ["symbol", "BTCUSDT"],
      ["side", "BUY"],
      ["type", "MARKET"],
      ["quantity", "0.010"],
    ],
    clientOrderId: "wh-0001",
    opens: "600",
    status: "planned",
    ...change,
  };
}

/** An alert the desk was running when it stopped, with these steps. */
export function runningReport(steps: StepReport[]): AlertReport {
  return {
    hook: "tv",
    id: "a1",
    receivedAt: T0,
    status: "running",
    action: "buy",
    symbol: "BTCUSDT",
    reason: null,
    steps,
    finishedAt: null,
  };
}
