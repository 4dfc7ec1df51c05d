// maxNotionalPerMinute: the plan's opening notional on top of what the hook opened in the last minute.
import { describe, expect, it } from "vitest";
import { decimal, ZERO } from "../../../shared/decimal.ts";
import { minuteLimitProblem } from "../../../shared/webhooks/minute-limit.ts";
import type { Step } from "../../../shared/webhooks/plan.ts";
import { hookOf } from "../../support/webhook-fixtures.ts";

function opening(notional: string): Step {
  return {
    kind: "order",
    method: "POST",
    path: "/fapi/v1/order",
    params: [],
    opens: decimal(notional),
    summary: "",
  };
}

describe("the per-minute notional limit", () => {
  const hook = hookOf({ maxNotionalPerMinute: "8000" });

  it("has nothing to say without a limit", () => {
    expect(minuteLimitProblem(hookOf(), [opening("100000")], ["100000"])).toBeNull();
  });

  it("lets an alert up to the limit through, exactly", () => {
    expect(minuteLimitProblem(hook, [opening("3000"), opening("1000")], ["2500.5", "1499.5"])).toBeNull();
  });

  it("refuses what would go above it, with both amounts", () => {
    expect(minuteLimitProblem(hook, [opening("4000.01")], ["4000"])).toBe(
      "this alert would open 4000.01 USDT on top of 4000 USDT in the last minute, above the hook's maxNotionalPerMinute 8000 USDT",
    );
  });

  it("never refuses an alert that opens nothing, and counts COIN-M in USD", () => {
    expect(minuteLimitProblem(hook, [{ ...opening("0"), opens: ZERO }], ["9000"])).toBeNull();
    const cm = hookOf({ market: "cm", maxNotionalPerMinute: "100" });
    expect(minuteLimitProblem(cm, [opening("200")], [])).toMatch(/open 200 USD on top of 0 USD/);
  });
});
