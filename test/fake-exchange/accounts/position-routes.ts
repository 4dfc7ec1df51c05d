// Signed account reads of both markets: balance and positionRisk (USDⓈ-M v2 and v3, COIN-M v1).

import { param } from "../rest/params.ts";
import { errors, isReply, okJson, type Reply } from "../rest/replies.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { HandlerContext } from "../state.ts";
import { balancesJson, positionRiskCm, positionRiskV2, positionRiskV3 } from "./account-format.ts";
import { accountFor } from "./account-routes.ts";
import { accountOpenAlgoOrders } from "./algo-orders.ts";
import { accountOpenOrders } from "./orders.ts";

export function balance(context: HandlerContext): Reply {
  return okJson(balancesJson(context.market, accountFor(context), context.state.prices));
}

/** The optional `symbol` filter: the symbol, undefined for all, or -1121 for an unknown one. */
function symbolFilter(context: HandlerContext): string | undefined | Reply {
  const symbol = param(context.params, "symbol");
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  return symbol;
}

export function positionRiskUmV2(context: HandlerContext): Reply {
  const symbol = symbolFilter(context);
  if (isReply(symbol)) return symbol;
  return okJson(positionRiskV2(accountFor(context), context.state.prices, symbol));
}

export function positionRiskUmV3(context: HandlerContext): Reply {
  const symbol = symbolFilter(context);
  if (isReply(symbol)) return symbol;
  const apiKey = context.apiKey ?? "";
  const sides = new Set<string>();
  for (const order of accountOpenOrders(context.state.orders.um, apiKey))
    sides.add(`${order.symbol}:${order.positionSide}`);
  for (const order of accountOpenAlgoOrders(context.state.algo, apiKey))
    sides.add(`${order.symbol}:${order.positionSide}`);
  const active = (name: string, side: string): boolean => sides.has(`${name}:${side}`);
  return okJson(positionRiskV3(accountFor(context), context.state.prices, active, symbol));
}

/** COIN-M filters by `pair` and `marginAsset` (and, like USDⓈ-M, accepts `symbol`). */
export function positionRiskCoin(context: HandlerContext): Reply {
  const symbol = symbolFilter(context);
  if (isReply(symbol)) return symbol;
  const pair = param(context.params, "pair");
  const marginAsset = param(context.params, "marginAsset");
  return okJson(
    positionRiskCm(
      accountFor(context),
      context.state.prices,
      (info) =>
        (symbol === undefined || info.symbol === symbol) &&
        (pair === undefined || info.pair === pair) &&
        (marginAsset === undefined || info.marginAsset === marginAsset),
    ),
  );
}
