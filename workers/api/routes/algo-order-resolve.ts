// The I/O half of resolving an id-addressed algo order for a symbol-restricted client (the decision is
// shared/auth/algo-order-scope.ts): one GET through the egress (`send`), signed for the caller's account, then the
// write readdressed by the algoId that was checked. A lookup Binance does not answer with the order is a
// refusal, and so is one nobody answered; a back-off or a misconfiguration is reported as itself.

import {
  addressByAlgoId,
  checkFoundAlgoOrder,
  readFoundAlgoOrder,
} from "../../../shared/auth/algo-order-scope.ts";
import type { GatewayClient } from "../../../shared/auth/clients.ts";
import { findEndpoint } from "../../../shared/catalog/index.ts";
import type { Param } from "../../../shared/encoding/query.ts";
import type { EgressReply } from "../../../shared/rest/egress-reply.ts";
import type { EgressRequest } from "../../../shared/rest/egress-request.ts";
import { GatewayError } from "../errors.ts";

type Prepared = Omit<EgressRequest, "account">;

export async function resolveAlgoOrder(
  client: GatewayClient,
  lookup: Param,
  write: Prepared,
  send: (request: EgressRequest) => Promise<EgressReply>,
): Promise<Prepared> {
  const unresolved = new GatewayError({
    kind: "symbol-denied",
    client: client.name,
    denied: { kind: "unresolved-order" },
  });
  // The order is read at the path it is written at (GET /fapi/v1/algoOrder for DELETE /fapi/v1/algoOrder).
  const query = findEndpoint(write.market, "GET", write.path);
  if (query === undefined || query.actsOn !== "algo-id") throw unresolved;
  const reply = await send({
    account: client.account,
    market: write.market,
    method: "GET",
    path: query.path,
    security: query.security,
    query: [lookup],
    body: null,
    countsAsOrder: false,
    reconcile: null,
  });
  if (reply.kind === "error") {
    // A back-off or a configuration problem is the caller's to see; an unanswered lookup only means "unknown".
    throw reply.reason.kind === "upstream-unreachable" ? unresolved : new GatewayError(reply.reason);
  }
  const found = reply.status === 200 ? readFoundAlgoOrder(new TextDecoder().decode(reply.body)) : null;
  const checked = checkFoundAlgoOrder(client, lookup, found);
  if (!checked.ok) throw new GatewayError(checked.error);
  return { ...write, ...addressByAlgoId(write, checked.value) };
}
