// WebSocket connections to the market stream relay: the Worker checks who may connect, then hands the upgrade
// to the market's relay object. Browsers cannot set headers and many Binance clients only append /ws or /stream
// to a base URL, so the credential may come as a `/k/<credential>` path prefix, a `token` query parameter, or
// a Sec-WebSocket-Protocol value (echoed back, as browsers require). Accepted credentials: a token minted by
// POST /gateway/stream-token, or the token or virtual API key of a GATEWAY_CLIENTS entry with the stream scope.
// With RELAY_PUBLIC=true market streams need none. A live relay listen key is a credential of its own (as
// Binance's is): it admits its holder. An Origin outside RELAY_ALLOWED_ORIGINS is refused.

import { looksLikeListenKey, relayKeyScope } from "../../../shared/auth/relay-key.ts";
import { verifyStreamToken } from "../../../shared/auth/stream-token.ts";
import type { Market } from "../../../shared/catalog/types.ts";
import { parseConnectPath } from "../../../shared/streams/paths.ts";
import {
  ADMISSION_HEADER,
  encodeAdmission,
  type RelayAdmission,
} from "../../../shared/streams/relay-connect.ts";
import { USER_EVENTS } from "../../../shared/streams/user-data.ts";
import type { GatewayOptions } from "../../config/index.ts";
import { relayStub, userStreamStub } from "../../durable-objects.ts";
import type { GatewayEnv } from "../../env.ts";
import type { RouteContext } from "../context.ts";
import { refuseStream, renderError } from "../errors.ts";

const MAX_OFFERED_PROTOCOLS = 4;

export function isStreamPath(pathname: string): boolean {
  return parseConnectPath(pathname, new URLSearchParams()) !== null;
}

export async function connectStream(c: RouteContext): Promise<Response> {
  const { options } = c.var;
  const [request, env] = [c.req.raw, c.env];
  const url = new URL(request.url);
  const target = parseConnectPath(url.pathname, url.searchParams);
  if (target === null) return refuseStream(404, "not a stream path");
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return refuseStream(426, "this is a WebSocket endpoint: connect with a WebSocket client");
  }
  const origin = request.headers.get("Origin");
  if (
    origin !== null &&
    options.relay.allowedOrigins.length > 0 &&
    !options.relay.allowedOrigins.includes(origin)
  ) {
    return refuseStream(403, `origin ${origin} is not allowed`);
  }
  const offered = (request.headers.get("Sec-WebSocket-Protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  const keys = target.streams.filter(looksLikeListenKey);
  const keyHolder = keys.length === 0 ? null : await holderOf(keys, target.market, env, options);
  if (keys.length > 0 && keyHolder === null)
    return renderError({
      kind: "stream-refused",
      status: 400,
      detail: "this listenKey does not exist (expired, revoked or unknown)",
      listenKeyUnknown: true,
    });
  const unknownEvent = Object.values(target.events)
    .flat()
    .find((event) => !(USER_EVENTS as readonly string[]).includes(event));
  if (unknownEvent !== undefined)
    return refuseStream(400, `unknown user data event in events=: ${unknownEvent}`);
  const explicit = target.credential ?? url.searchParams.get("token");
  let client: string | null = null;
  let protocol = offered[0] ?? "";
  if (explicit !== null && explicit !== "") {
    client = await clientFor(explicit, options);
    if (client === null) return refuseStream(401, "unknown or expired credential, or no stream scope");
  } else {
    // A subprotocol may be the credential, or (on a public relay) just a protocol name the client offers.
    for (const offer of offered.slice(0, MAX_OFFERED_PROTOCOLS)) {
      client = await clientFor(offer, options);
      if (client !== null) {
        protocol = offer;
        break;
      }
    }
    if (client === null && keyHolder === null && !options.relay.isPublic) {
      return refuseStream(
        401,
        offered.length > 0
          ? "unknown or expired credential, or no stream scope"
          : "a stream credential is required: /k/<credential>/..., ?token=, or Sec-WebSocket-Protocol",
      );
    }
  }
  const keyOnly = client === null && keyHolder !== null;
  client ??= keyHolder;
  const admission: RelayAdmission = {
    market: target.market,
    combined: target.combined,
    streams: target.streams,
    relayEvents: /^(1|true)$/i.test(url.searchParams.get("relayEvents") ?? ""),
    client: client ?? "anonymous",
    // Connection limits count per credential, or per address for anonymous clients of a public relay.
    caller:
      client === null ? `ip:${request.headers.get("CF-Connecting-IP") ?? "unknown"}` : `client:${client}`,
    protocol,
    events: target.events,
    keyOnly,
  };
  const headers = new Headers(request.headers);
  headers.set(ADMISSION_HEADER, encodeAdmission(admission));
  return relayStub(env, target.market, options).fetch(new Request(request.url, { headers }));
}

/** The client a credential belongs to if it grants the stream scope, else null. */
async function clientFor(credential: string, options: GatewayOptions): Promise<string | null> {
  const minted = await verifyStreamToken(options.relay.tokenKey, credential, Date.now());
  if (minted !== null) return minted.client;
  const client =
    (await options.registry.findByToken(credential)) ?? (await options.registry.findByApiKey(credential));
  return client?.scopes.has("stream") ? client.name : null;
}

/**
 * Whose the relay listen keys are (the holder of the first), or null if any of them is not a live key of ours
 * for this market: made up, of the other market, lapsed or revoked.
 */
async function holderOf(
  keys: readonly string[],
  market: Market,
  env: GatewayEnv,
  options: GatewayOptions,
): Promise<string | null> {
  let holder: string | null = null;
  for (const key of keys) {
    const scope = await relayKeyScope(options.relay.relayKeyMac, key, options.accounts);
    if (scope === null || scope.market !== market) return null;
    const alive = await userStreamStub(env, scope, options).holder(key);
    if (alive === null) return null;
    holder ??= alive;
  }
  return holder;
}
