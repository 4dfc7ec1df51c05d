// The orders an action needs, given the position: one-way mode nets a close and an open into one order, hedge
// mode acts on each side's own position. Sizes come from the planner (`sized`), already rounded to the step.

import { abs, add, compare, type Decimal, isZero, min, subtract, ZERO } from "../decimal.ts";
import { err, ok, type Result } from "../result.ts";
import type { Alert, Size } from "./alert.ts";
import type { AccountView, OrderIntent, PositionSide, Side } from "./plan-types.ts";

/** The orders an action needs, given the position (none when there is nothing to do). */
export function orderIntents(
  alert: Alert,
  account: AccountView,
  sized: (size: Size | null, whole: Decimal) => Result<Decimal, string>,
): Result<OrderIntent[], string> {
  const open = (side: Side, positionSide: PositionSide, quantity: Decimal): OrderIntent => ({
    side,
    positionSide,
    quantity,
    reduceOnly: false,
    opening: quantity,
  });
  const reduce = (side: Side, positionSide: PositionSide, quantity: Decimal): OrderIntent => ({
    side,
    positionSide,
    quantity,
    // In hedge mode a reducing order is one on the opposite side of its position; Binance refuses reduceOnly.
    reduceOnly: positionSide === "BOTH",
    opening: ZERO,
  });
  const action = alert.action;
  const size = sized(alert.size, ZERO);
  // buy, sell, long and short are sized by the alert; close and flip default to the position.
  const bySize = action === "buy" || action === "sell" || action === "long" || action === "short";
  if (bySize && !size.ok) return size;
  const quantity = size.ok ? size.value : ZERO;
  const side: Side = action === "buy" || action === "long" ? "BUY" : "SELL";
  if (!account.hedge) {
    const position = account.both;
    switch (action) {
      case "buy":
      case "sell": {
        if (!alert.reduceOnly) return ok([open(side, "BOTH", quantity)]);
        const held = side === "SELL" ? position : subtract(ZERO, position);
        if (compare(held, ZERO) <= 0) return err(`reduceOnly ${action}: no position it would reduce`);
        return ok([reduce(side, "BOTH", min(quantity, held))]);
      }
      case "long":
      case "short": {
        const against = action === "long" ? subtract(ZERO, position) : position;
        const closing = compare(against, ZERO) > 0 ? against : ZERO;
        // One order both closes the opposite position and opens this one (one-way mode nets them).
        return ok([
          {
            side,
            positionSide: "BOTH",
            quantity: add(closing, quantity),
            reduceOnly: false,
            opening: quantity,
          },
        ]);
      }
      case "close": {
        if (isZero(position)) return ok([]);
        const amount = sized(alert.size, abs(position));
        if (!amount.ok) return amount;
        return ok([
          reduce(compare(position, ZERO) > 0 ? "SELL" : "BUY", "BOTH", min(amount.value, abs(position))),
        ]);
      }
      case "flip": {
        if (isZero(position)) return ok([]);
        const next = alert.size === null ? ok(abs(position)) : size;
        if (!next.ok) return next;
        return ok([
          {
            side: compare(position, ZERO) > 0 ? "SELL" : "BUY",
            positionSide: "BOTH",
            quantity: add(abs(position), next.value),
            reduceOnly: false,
            opening: next.value,
          },
        ]);
      }
      default:
        return ok([]);
    }
  }
  const wanted = alert.positionSide;
  switch (action) {
    case "buy":
    case "sell": {
      const natural: PositionSide = action === "buy" ? "LONG" : "SHORT";
      const reducing: PositionSide = action === "buy" ? "SHORT" : "LONG";
      const positionSide = wanted ?? (alert.reduceOnly ? reducing : natural);
      if (positionSide === natural && alert.reduceOnly)
        return err(`reduceOnly ${action} on the ${natural} side would open a position, not reduce one`);
      if (positionSide === natural) return ok([open(side, positionSide, quantity)]);
      const held = positionSide === "LONG" ? account.long : account.short;
      if (isZero(held)) return err(`${action}: no ${positionSide} position to reduce`);
      return ok([reduce(side, positionSide, min(quantity, held))]);
    }
    case "long":
    case "short": {
      const intents: OrderIntent[] = [];
      const opposite = action === "long" ? account.short : account.long;
      if (!isZero(opposite)) intents.push(reduce(side, action === "long" ? "SHORT" : "LONG", opposite));
      intents.push(open(side, action === "long" ? "LONG" : "SHORT", quantity));
      return ok(intents);
    }
    case "close": {
      const sides: PositionSide[] = wanted === null ? ["LONG", "SHORT"] : [wanted];
      const intents: OrderIntent[] = [];
      for (const positionSide of sides) {
        const held = positionSide === "LONG" ? account.long : account.short;
        if (isZero(held)) continue;
        const amount = sized(alert.size, held);
        if (!amount.ok) return amount;
        intents.push(reduce(positionSide === "LONG" ? "SELL" : "BUY", positionSide, min(amount.value, held)));
      }
      return ok(intents);
    }
    case "flip": {
      const longHeld = !isZero(account.long);
      const shortHeld = !isZero(account.short);
      if (longHeld === shortHeld)
        return longHeld ? err("flip: both a LONG and a SHORT position are open; close one first") : ok([]);
      const from: PositionSide = longHeld ? "LONG" : "SHORT";
      const held = longHeld ? account.long : account.short;
      const next = alert.size === null ? ok(held) : size;
      if (!next.ok) return next;
      return ok([
        reduce(longHeld ? "SELL" : "BUY", from, held),
        open(longHeld ? "SELL" : "BUY", longHeld ? "SHORT" : "LONG", next.value),
      ]);
    }
    default:
      return ok([]);
  }
}
