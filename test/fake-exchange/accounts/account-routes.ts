// Signed account settings of both markets: positionSide/dual (GET, POST), leverage, marginType, and the
// USDⓈ-M symbolConfig. Each acts on the account of the request's API key in the request's market.

import { param } from "../rest/params.ts";
import { binanceError, errors, isReply, okJson, type Reply } from "../rest/replies.ts";
import { findSymbol, SYMBOLS } from "../rest/symbols.ts";
import type { HandlerContext } from "../state.ts";
import { maxNotionalValue, maxQty } from "./account-format.ts";
import {
  type Account,
  accountOf,
  leverageOf,
  MAX_LEVERAGE,
  type MarginType,
  marginTypeOf,
  openPositions,
} from "./accounts.ts";
import { accountOpenAlgoOrders } from "./algo-orders.ts";
import { requireSymbol } from "./order-routes.ts";
import { accountOpenOrders } from "./orders.ts";

const accountErrors = {
  invalidLeverage: (text: string) => binanceError(400, -4028, `Leverage ${text} is not valid`),
  sameMarginType: () => binanceError(400, -4046, "No need to change margin type."),
  marginTypeOpenOrders: () =>
    binanceError(400, -4047, "Margin type cannot be changed if there exists open orders."),
  marginTypePosition: () =>
    binanceError(400, -4048, "Margin type cannot be changed if there exists position."),
  samePositionSide: () => binanceError(400, -4059, "No need to change position side."),
  positionSideOpenOrders: () =>
    binanceError(400, -4067, "Position side cannot be changed if there exists open orders."),
  positionSidePosition: () =>
    binanceError(400, -4068, "Position side cannot be changed if there exists position."),
  isolatedLeverageReduction: () =>
    binanceError(
      400,
      -4161,
      "Leverage reduction is not supported in Isolated Margin Mode with open positions.",
    ),
};

const SUCCESS = { code: 200, msg: "success" };

/** The account of the request's API key (signed routes always carry a registered key). */
export function accountFor(context: HandlerContext): Account {
  return accountOf(context.state.accounts, context.market, context.apiKey ?? "", context.now);
}

/** The account's open orders in the request's market (algo orders included on USDⓈ-M). */
function hasOpenOrders(context: HandlerContext, symbol?: string): boolean {
  const apiKey = context.apiKey ?? "";
  if (accountOpenOrders(context.state.orders[context.market], apiKey, symbol).length > 0) return true;
  return context.market === "um" && accountOpenAlgoOrders(context.state.algo, apiKey, symbol).length > 0;
}

export function getPositionMode(context: HandlerContext): Reply {
  return okJson({ dualSidePosition: accountFor(context).dualSidePosition });
}

export function changePositionMode(context: HandlerContext): Reply {
  const text = param(context.params, "dualSidePosition");
  if (text === undefined) return errors.mandatory("dualSidePosition");
  if (text !== "true" && text !== "false") return errors.invalidParam("dualSidePosition");
  const account = accountFor(context);
  const dual = text === "true";
  if (account.dualSidePosition === dual) return accountErrors.samePositionSide();
  if (openPositions(account).length > 0) return accountErrors.positionSidePosition();
  if (hasOpenOrders(context)) return accountErrors.positionSideOpenOrders();
  account.dualSidePosition = dual;
  account.positions.clear();
  return okJson(SUCCESS);
}

export function changeLeverage(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  const text = param(context.params, "leverage");
  if (text === undefined) return errors.mandatory("leverage");
  if (!/^\d{1,9}$/.test(text)) return errors.invalidParam("leverage");
  const leverage = Number(text);
  if (leverage < 1 || leverage > MAX_LEVERAGE) return accountErrors.invalidLeverage(text);
  const account = accountFor(context);
  if (
    marginTypeOf(account, symbol) === "ISOLATED" &&
    leverage < leverageOf(account, symbol) &&
    openPositions(account, symbol).length > 0
  )
    return accountErrors.isolatedLeverageReduction();
  account.leverage.set(symbol, leverage);
  return context.market === "um"
    ? okJson({ leverage, maxNotionalValue: maxNotionalValue(leverage), symbol })
    : okJson({ leverage, maxQty: maxQty(leverage), symbol });
}

export function changeMarginType(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  const text = param(context.params, "marginType");
  if (text === undefined) return errors.mandatory("marginType");
  if (text !== "ISOLATED" && text !== "CROSSED") return errors.invalidParam("marginType");
  const account = accountFor(context);
  const marginType: MarginType = text;
  if (marginTypeOf(account, symbol) === marginType) return accountErrors.sameMarginType();
  if (hasOpenOrders(context, symbol)) return accountErrors.marginTypeOpenOrders();
  if (openPositions(account, symbol).length > 0) return accountErrors.marginTypePosition();
  account.marginType.set(symbol, marginType);
  return okJson(SUCCESS);
}

/** GET /fapi/v1/symbolConfig: leverage and margin type per symbol (all, or the one asked for). */
export function symbolConfig(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  const account = accountFor(context);
  const chosen = SYMBOLS[context.market].filter((info) => symbol === undefined || info.symbol === symbol);
  return okJson(
    chosen.map((info) => ({
      symbol: info.symbol,
      marginType: marginTypeOf(account, info.symbol),
      isAutoAddMargin: false,
      leverage: leverageOf(account, info.symbol),
      maxNotionalValue: maxNotionalValue(leverageOf(account, info.symbol)),
    })),
  );
}
