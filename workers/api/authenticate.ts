// Who is calling. Two ways in, both checked against GATEWAY_CLIENTS:
// - token: `Authorization: Bearer <token>`, unsigned parameters (query, form or JSON body). A timestamp, if
//   sent, is held to the same freshness rule Binance applies, so a webhook can guard against replays.
// - drop-in: `X-MBX-APIKEY: <virtual key>`, signed with the virtual secret exactly as for Binance; verified
//   the way Binance verifies (unsigned endpoints need only the key, as Binance's MARKET_DATA ones do).
// No credential, no access: anonymous callers would spend the owner's keys and rate limits.

import type { GatewayClient } from "../../shared/auth/clients.ts";
import { verifyDropIn } from "../../shared/auth/drop-in.ts";
import type { ClientRegistry } from "../../shared/auth/registry.ts";
import { checkTimestamp } from "../../shared/auth/timestamp.ts";
import type { Endpoint } from "../../shared/catalog/types.ts";
import type { PresentedCaller } from "./context.ts";
import { GatewayError } from "./errors.ts";
import type { IncomingCall } from "./incoming.ts";

export interface Caller {
  readonly client: GatewayClient;
  readonly mode: "drop-in" | "token";
}

/** The caller of a REST call, its credential checked against the call (`now` for timestamps). */
export async function authenticate(
  presented: { readonly caller: PresentedCaller; readonly registry: ClientRegistry },
  call: IncomingCall,
  endpoint: Endpoint,
  now: number,
): Promise<Caller> {
  const params = [...call.query, ...(call.body ?? [])];
  const value = (name: string) => params.find(([n]) => n === name)?.[1];
  const { credential } = presented.caller;
  if (credential === null) throw new GatewayError({ kind: "credentials-missing" });
  const client = await presented.caller.client();
  if (credential.kind === "token") {
    if (client === null) throw new GatewayError({ kind: "token-unknown" });
    if (value("signature") !== undefined) throw new GatewayError({ kind: "signature-with-token" });
    if (endpoint.security === "SIGNED" && value("timestamp") !== undefined) {
      const fresh = checkTimestamp(value("timestamp"), value("recvWindow"), now);
      if (!fresh.ok) throw new GatewayError(fresh.error);
    }
    return { client, mode: "token" };
  }
  if (client === null) throw new GatewayError({ kind: "api-key-unknown" });
  if (call.bodyKind === "json")
    throw new GatewayError({ kind: "unsupported-content-type", contentType: "application/json" });
  if (endpoint.security === "SIGNED") {
    const key = presented.registry.verifyKey(client);
    if (key === null) throw new GatewayError({ kind: "api-key-unknown" });
    const verified = await verifyDropIn(
      { rawQuery: call.rawQuery, rawBody: call.rawBody, params },
      await key,
      now,
    );
    if (!verified.ok) throw new GatewayError(verified.error);
  }
  return { client, mode: "drop-in" };
}
