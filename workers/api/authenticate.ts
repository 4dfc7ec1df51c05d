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
import { GatewayError } from "./errors.ts";
import type { IncomingCall } from "./incoming.ts";

export interface Caller {
  readonly client: GatewayClient;
  readonly mode: "drop-in" | "token";
}

export async function authenticate(
  headers: Headers,
  call: IncomingCall,
  endpoint: Endpoint,
  registry: ClientRegistry,
  now: number,
): Promise<Caller> {
  const params = [...call.query, ...(call.body ?? [])];
  const value = (name: string) => params.find(([n]) => n === name)?.[1];
  const presented = presentedCredential(headers);
  if (presented?.kind === "token") {
    const client = await registry.findByToken(presented.value);
    if (client === null) throw new GatewayError({ kind: "token-unknown" });
    if (value("signature") !== undefined) throw new GatewayError({ kind: "signature-with-token" });
    if (endpoint.security === "SIGNED" && value("timestamp") !== undefined) {
      const fresh = checkTimestamp(value("timestamp"), value("recvWindow"), now);
      if (!fresh.ok) throw new GatewayError(fresh.error);
    }
    return { client, mode: "token" };
  }
  if (presented === null) throw new GatewayError({ kind: "credentials-missing" });
  const client = await registry.findByApiKey(presented.value);
  if (client === null) throw new GatewayError({ kind: "api-key-unknown" });
  if (call.bodyKind === "json")
    throw new GatewayError({ kind: "unsupported-content-type", contentType: "application/json" });
  if (endpoint.security === "SIGNED") {
    const key = registry.verifyKey(client);
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

/** The credential a request presents: a bearer token, else a (virtual) API key header, else none. */
export function presentedCredential(
  headers: Headers,
): { readonly kind: "token" | "api-key"; readonly value: string } | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("Authorization") ?? "")?.[1];
  if (bearer !== undefined) return { kind: "token", value: bearer };
  const apiKey = headers.get("X-MBX-APIKEY")?.trim();
  return apiKey === undefined || apiKey === "" ? null : { kind: "api-key", value: apiKey };
}

/** Who the request comes from, without checking a signature: enough for answers that change no state. */
export async function identifyCaller(
  headers: Headers,
  registry: ClientRegistry,
): Promise<GatewayClient | null> {
  const presented = presentedCredential(headers);
  if (presented === null) return null;
  return presented.kind === "token"
    ? registry.findByToken(presented.value)
    : registry.findByApiKey(presented.value);
}
