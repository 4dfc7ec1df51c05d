// Every Durable Object's name and stub. An object is created where BINANCE_LOCATION_HINT says, so calls to
// Binance leave from a region it serves; the hint only applies when an object is created, so each name
// carries it too (a changed hint means new objects, not old ones left where they were).

import type { Market } from "../shared/catalog/types.ts";
import type { GatewayEnv } from "./env.ts";

/** Where objects are created: GatewayOptions, UserStreamOptions and placementOf(env) all carry it. */
export interface Placement {
  readonly locationHint: DurableObjectLocationHint | null;
}

/** The egress object: every REST call to Binance leaves from it. */
export function egressStub(env: Pick<GatewayEnv, "BINANCE_EGRESS">, at: Placement) {
  return env.BINANCE_EGRESS.getByName(egressObjectName(at.locationHint), placement(at));
}

/** The market's stream relay. */
export function relayStub(env: Pick<GatewayEnv, "MARKET_RELAY">, market: Market, at: Placement) {
  return env.MARKET_RELAY.getByName(relayName(market, at.locationHint), placement(at));
}

/** An account on one market: user stream objects and order desks are one per pair. */
export interface AccountMarket {
  readonly account: string;
  readonly market: Market;
}

/** The user stream object of an account and market: it owns Binance's listen key. */
export function userStreamStub(env: Pick<GatewayEnv, "USER_STREAM">, of: AccountMarket, at: Placement) {
  return env.USER_STREAM.getByName(userStreamName(of.account, of.market, at.locationHint), placement(at));
}

/** The order desk of an account and market: it places the orders of that account's webhooks. */
export function deskStub(env: Pick<GatewayEnv, "ORDER_DESK">, of: AccountMarket, at: Placement) {
  return env.ORDER_DESK.getByName(deskName(of.account, of.market, at.locationHint), placement(at));
}

export function egressObjectName(locationHint: string | null): string {
  return `egress:${locationHint ?? "default"}`;
}

export function relayName(market: Market, locationHint: string | null): string {
  return `relay:${market}:${locationHint ?? "default"}`;
}

export function userStreamName(account: string, market: string, locationHint: string | null): string {
  return `user:${account}:${market}:${locationHint ?? "default"}`;
}

export function deskName(account: string, market: Market, locationHint: string | null): string {
  return `desk:${account}:${market}:${locationHint ?? "default"}`;
}

function placement(at: Placement): DurableObjectNamespaceGetDurableObjectOptions | undefined {
  return at.locationHint === null ? undefined : { locationHint: at.locationHint };
}
