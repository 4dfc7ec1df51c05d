// One gateway call to Binance, carried out under the call policy (shared/rest/call-policy.ts): the back-off
// checked before every attempt, the request signed afresh with the clock's current estimate for each one, the
// weight of every attempt after the admitted first counted, and an order whose outcome is unknown reconciled
// (./reconcile.ts, which gets this function to make its lookups: the two do not import each other).

import type { Market } from "../../shared/catalog/types.ts";
import type { GatewayErrorReason } from "../../shared/errors.ts";
import type { Ban } from "../../shared/rest/ban.ts";
import { type AttemptResult, firstAttempt, nextStep } from "../../shared/rest/call-policy.ts";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import {
  appendSignature,
  type EgressRequest,
  stampRequest,
  unsignedWire,
  type WireRequest,
} from "../../shared/rest/egress-request.ts";
import { callWeight } from "../../shared/rest/request-weight.ts";
import type { Signer } from "../../shared/signing/signer.ts";
import type { EgressOptions } from "../config/index.ts";
import type { Logger } from "../log.ts";
import { type BinanceReply, callBinance } from "./binance-rest.ts";
import { reconcile } from "./reconcile.ts";

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

export async function executeCall(
  deps: CallDeps,
  request: EgressRequest,
  timeoutMs: number,
  options: CallOptions = {},
): Promise<EgressReply> {
  const origin = deps.options.restUrl[request.market];
  const apiKey = request.security === "NONE" ? null : deps.apiKey;
  const call = {
    method: request.method,
    security: request.security,
    reconcilable: request.reconcile !== null,
  };
  let state = firstAttempt(call, deps.options.getRetries);
  for (;;) {
    const ban = deps.activeBan(request.market, request.countsAsOrder);
    if (ban !== null) return failure({ kind: "upstream-banned", ...ban });
    const { wire, timestamp } = await wireFor(deps, request);
    if (state.attempt > 1 || options.prepaid !== true) deps.charge(request.market, callWeight(request));
    const started = Date.now();
    const sent = await callBinance(origin, request.method, request.path, wire, apiKey, timeoutMs);
    const usedWeight = sent.ok ? header(sent.reply, "x-mbx-used-weight-1m") : null;
    if (sent.ok) deps.reportWeight(request.market, usedWeight, started);
    deps.log.log("info", "upstream", {
      market: request.market,
      method: request.method,
      path: request.path,
      attempt: state.attempt,
      status: sent.ok ? sent.reply.status : sent.cause,
      ms: Date.now() - started,
      usedWeight1m: usedWeight,
    });
    const result: AttemptResult<BinanceReply> = sent.ok
      ? {
          kind: "answer",
          status: sent.reply.status,
          retryAfter: header(sent.reply, "retry-after"),
          body: sent.reply.status >= 300 ? new TextDecoder().decode(sent.reply.body) : "",
          reply: sent.reply,
        }
      : { kind: "no-answer", cause: sent.cause };
    const step = nextStep({ call, state, result, now: Date.now(), random: Math.random() });
    switch (step.kind) {
      case "retry":
        await sleep(step.delayMs);
        state = step.next;
        continue;
      case "resync-clock":
        await deps.resyncClock(request.market);
        state = step.next;
        continue;
      case "reconcile":
        return reconcile(
          {
            account: deps.account,
            log: deps.log,
            serverTime: deps.serverTime,
            execute: (lookup) => executeCall(deps, lookup, timeoutMs),
            sleep,
            now: Date.now,
          },
          request,
          timestamp ?? deps.serverTime(request.market),
        );
      case "answer":
        if (step.ban !== null) deps.recordBan(request.market, step.ban);
        return response(step.reply);
      case "fail":
        return failure(step.reason);
    }
  }
}

/** The request as it goes on the wire, and the timestamp it carries (null for unsigned calls). */
async function wireFor(
  deps: CallDeps,
  request: EgressRequest,
): Promise<{ wire: WireRequest; timestamp: number | null }> {
  if (request.security !== "SIGNED" || deps.signer === null)
    return { wire: unsignedWire(request), timestamp: null };
  const timestamp = deps.serverTime(request.market);
  const { wire, payload } = stampRequest(request, timestamp);
  return { wire: appendSignature(wire, await deps.signer.sign(payload)), timestamp };
}

function header(reply: BinanceReply, name: string): string | null {
  return reply.headers[name] ?? null;
}

function response(reply: BinanceReply): EgressReply {
  return { kind: "response", status: reply.status, headers: reply.headers, body: reply.body };
}

function failure(reason: GatewayErrorReason): EgressReply {
  return { kind: "error", reason };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
