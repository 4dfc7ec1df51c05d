// One gateway call to Binance, with the failure policy:
// - reads (GET) are retried on 5xx, timeouts and network errors, with jittered exponential back-off;
// - writes are never sent twice blindly: an order whose outcome is unknown (503 "Unknown error", a 5xx that is
//   not a documented failure, a timeout) is reconciled by querying its client order id; other writes return
//   Binance's answer or -1007;
// - -1021 (timestamp) resynchronises the clock and retries once: Binance rejected it before executing it;
// - 429/418 record a back-off that is checked before every attempt; 451, HTML 403 and redirects become
//   explained errors.

import type { Market } from "../../shared/catalog/types.ts";
import type { GatewayErrorReason } from "../../shared/errors.ts";
import type { Ban } from "../../shared/rest/ban.ts";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import { classifyResponse } from "../../shared/rest/outcome.ts";
import { callWeight } from "../../shared/rest/request-weight.ts";
import { retryDelayMs } from "../../shared/rest/retry.ts";
import {
  appendSignature,
  stampRequest,
  type UpstreamRequest,
  unsignedWire,
  type WireRequest,
} from "../../shared/rest/upstream-request.ts";
import type { Signer } from "../../shared/signing/signer.ts";
import type { EgressOptions } from "../config/index.ts";
import type { Logger } from "../log.ts";
import { type BinanceReply, callBinance } from "./binance-rest.ts";
import { reconcile } from "./reconcile.ts";

export type { EgressReply };

export interface CallDeps {
  readonly options: EgressOptions;
  /** The account calls are made for, and its API key (sent with every call that is not public). */
  readonly account: string;
  readonly apiKey: string | null;
  readonly signer: Signer | null;
  readonly log: Logger;
  serverTime(market: Market): number;
  resyncClock(market: Market): Promise<void>;
  recordBan(market: Market, ban: Ban): void;
  activeBan(market: Market, countsAsOrder: boolean): Ban | null;
  /** Counts request weight spent beyond what was admitted (retries, reconciliation lookups). */
  charge(market: Market, weight: number): void;
  /** Passes on Binance's X-MBX-USED-WEIGHT-1M for a call sent at `sentAt`. */
  reportWeight(market: Market, header: string | null, sentAt: number): void;
}

export interface CallOptions {
  /** The first attempt's weight was counted when the call was admitted. */
  readonly prepaid?: boolean;
}

const RETRY_BASE_MS = 200;

export async function executeCall(
  deps: CallDeps,
  request: UpstreamRequest,
  timeoutMs: number,
  options: CallOptions = {},
): Promise<EgressReply> {
  const origin = deps.options.restUrl[request.market];
  const apiKey = request.security === "NONE" ? null : deps.apiKey;
  let retriesLeft = request.method === "GET" ? deps.options.getRetries : 0;
  let timestampRetry = request.security === "SIGNED";
  for (let attempt = 1; ; attempt++) {
    const ban = deps.activeBan(request.market, request.countsAsOrder);
    if (ban !== null) return failure({ kind: "upstream-banned", ...ban });
    const { wire, timestamp } = await wireFor(deps, request);
    if (attempt > 1 || options.prepaid !== true) deps.charge(request.market, callWeight(request));
    const started = Date.now();
    const result = await callBinance(origin, request.method, request.path, wire, apiKey, timeoutMs);
    if (result.ok) deps.reportWeight(request.market, header(result.reply, "x-mbx-used-weight-1m"), started);
    deps.log.log("info", "upstream", {
      market: request.market,
      method: request.method,
      path: request.path,
      attempt,
      status: result.ok ? result.reply.status : result.cause,
      ms: Date.now() - started,
      usedWeight1m: result.ok ? header(result.reply, "x-mbx-used-weight-1m") : null,
    });
    /** Spends one read retry (after a back-off) if any is left. */
    const retried = async (): Promise<boolean> => {
      if (retriesLeft === 0) return false;
      retriesLeft--;
      await sleep(retryDelayMs(attempt - 1, RETRY_BASE_MS, Math.random()));
      return true;
    };
    const reconcileFrom = () =>
      reconcile(deps, request, timeoutMs, timestamp ?? deps.serverTime(request.market));
    if (!result.ok) {
      if (await retried()) continue;
      if (request.method === "GET") return failure({ kind: "upstream-unreachable", cause: result.cause });
      if (request.reconcile !== null) return reconcileFrom();
      return failure({ kind: "upstream-timeout" });
    }
    const reply = result.reply;
    const text = reply.status >= 300 ? new TextDecoder().decode(reply.body) : "";
    const outcome = classifyResponse(reply.status, header(reply, "retry-after"), text, Date.now());
    switch (outcome.kind) {
      case "pass-through":
        return response(reply);
      case "restricted-location":
        return failure({ kind: "upstream-restricted-location", status: reply.status });
      case "blocked":
        return failure({ kind: "upstream-blocked", status: reply.status });
      case "rate-limited":
        deps.recordBan(request.market, { status: outcome.status, code: outcome.code, until: outcome.until });
        return response(reply);
      case "timestamp-rejected":
        if (!timestampRetry) return response(reply);
        timestampRetry = false;
        await deps.resyncClock(request.market);
        continue;
      case "execution-unknown":
      case "server-error":
        if (await retried()) continue;
        if (outcome.kind === "execution-unknown" && request.reconcile !== null) return reconcileFrom();
        return response(reply);
    }
  }
}

/** The request as it goes on the wire, and the timestamp it carries (null for unsigned calls). */
async function wireFor(
  deps: CallDeps,
  request: UpstreamRequest,
): Promise<{ wire: WireRequest; timestamp: number | null }> {
  if (request.security !== "SIGNED" || deps.signer === null)
    return { wire: unsignedWire(request), timestamp: null };
  const timestamp = deps.serverTime(request.market);
  const { wire, payload } = stampRequest(request, timestamp);
  return { wire: appendSignature(wire, await deps.signer.sign(payload)), timestamp };
}

export function header(reply: BinanceReply, name: string): string | null {
  return reply.headers[name] ?? null;
}

function response(reply: BinanceReply): EgressReply {
  return { kind: "response", status: reply.status, headers: reply.headers, body: reply.body };
}

function failure(reason: GatewayErrorReason): EgressReply {
  return { kind: "error", reason };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
