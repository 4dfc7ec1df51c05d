// The hook's maxNotionalPerMinute: what an alert's plan would open, on top of what the hook opened in the last
// minute. What may have opened counts (placed, or not known not to be), so a lost answer never frees room.

import { add, compare, formatShort, isZero, parseDecimal, ZERO } from "../decimal.ts";
import type { Hook } from "./config.ts";
import type { Step } from "./plan-types.ts";

/** How far back the opened notional counts. */
export const MINUTE_MS = 60_000;

/** Why the steps would open more than the hook's maxNotionalPerMinute, or null. `opened`: decimal texts. */
export function minuteLimitProblem(
  hook: Hook,
  steps: readonly Step[],
  opened: readonly string[],
): string | null {
  if (hook.maxNotionalPerMinute === null) return null;
  const before = opened.reduce((sum, text) => add(sum, parseDecimal(text) ?? ZERO), ZERO);
  const adding = steps.reduce((sum, step) => add(sum, step.opens), ZERO);
  if (isZero(adding) || compare(add(before, adding), hook.maxNotionalPerMinute) <= 0) return null;
  const quote = hook.market === "um" ? "USDT" : "USD";
  return `this alert would open ${formatShort(adding)} ${quote} on top of ${formatShort(before)} ${quote} in the last minute, above the hook's maxNotionalPerMinute ${formatShort(hook.maxNotionalPerMinute)} ${quote}`;
}
