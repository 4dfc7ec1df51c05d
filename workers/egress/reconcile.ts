// After Binance says "execution status unknown" for an order (or never answered), find out what happened by
// looking the order up (shared/rest/reconciliation.ts decides what each lookup settles).
// - Found: the caller gets 200 with Binance's order body (X-Gateway-Reconciled: found).
// - Not placed, or still unknown: the gateway's error, naming the client order id to check.
// Batches get one answer per element, in Binance's batch response shape. The lookups are made with the `execute`
// the caller passes in (the egress object's call policy), so this module and that one do not import each other.

import type { Market } from "../../shared/catalog/types.ts";
import { errorBody } from "../../shared/errors.ts";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import type { EgressRequest } from "../../shared/rest/egress-request.ts";
import {
  FIRST_LOOKUP,
  judgeLookup,
  type LookupDeadline,
  type LookupStep,
  lookupDeadline,
  lookupRequest,
  type OrderLookup,
  orderLookups,
} from "../../shared/rest/reconciliation.ts";
import type { Logger } from "../log.ts";

export interface ReconcileDeps {
  /** The account whose key signs the lookups. */
  readonly account: string;
  readonly log: Logger;
  serverTime(market: Market): number;
  /** Makes one lookup under the call policy (retries, back-off, weight). */
  execute(request: EgressRequest): Promise<EgressReply>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

type Lookup = Extract<LookupStep, { kind: "found" }> | { readonly kind: "absent" | "unknown" };

export async function reconcile(
  deps: ReconcileDeps,
  request: EgressRequest,
  stampedAt: number,
): Promise<EgressReply> {
  const target = request.reconcile;
  if (target === null) throw new Error("reconcile() needs a reconcile target");
  const deadline = lookupDeadline(request, stampedAt, deps.now());
  const results: { lookup: OrderLookup; found: Lookup }[] = [];
  for (const lookup of orderLookups(request)) {
    results.push({ lookup, found: await lookUp(deps, request.market, lookup, deadline) });
  }
  if (target.kind === "batch") {
    deps.log.log("warn", "reconciled", { market: request.market, path: request.path, outcome: "batch" });
    const parts = results.map(({ lookup, found }) =>
      found.kind === "found"
        ? new TextDecoder().decode(found.body)
        : errorBody(notSettled(found.kind, lookup.clientOrderId)),
    );
    const body = new TextEncoder().encode(`[${parts.join(",")}]`);
    return {
      kind: "response",
      status: 200,
      headers: { "content-type": "application/json" },
      body: body.buffer as ArrayBuffer,
      reconciled: "batch",
    };
  }
  const [only] = results;
  if (only === undefined) throw new Error("reconcile() found no order to look up");
  const { found, lookup } = only;
  deps.log.log("warn", "reconciled", { market: request.market, path: request.path, outcome: found.kind });
  if (found.kind === "found")
    return { kind: "response", status: 200, headers: found.headers, body: found.body, reconciled: "found" };
  return { kind: "error", reason: notSettled(found.kind, lookup.clientOrderId) };
}

async function lookUp(
  deps: ReconcileDeps,
  market: Market,
  lookup: OrderLookup,
  deadline: LookupDeadline,
): Promise<Lookup> {
  const request = lookupRequest(deps.account, market, lookup);
  let state = FIRST_LOOKUP;
  for (;;) {
    const serverTimeAtSend = deps.serverTime(market);
    const reply = await deps.execute(request);
    const step = judgeLookup({
      reply,
      sent: lookup.sent,
      deadline,
      state,
      serverTimeAtSend,
      now: deps.now(),
    });
    if (step.kind === "found") return step;
    if (step.kind === "settled") return { kind: step.outcome };
    await deps.sleep(step.delayMs);
    state = step.next;
  }
}

function notSettled(kind: "absent" | "unknown", clientOrderId: string) {
  return { kind: kind === "absent" ? "order-not-placed" : "order-outcome-unknown", clientOrderId } as const;
}
