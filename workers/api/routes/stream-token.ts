// POST /gateway/stream-token: a short-lived relay token for a browser page, minted for a caller with the stream
// scope (bearer token, or virtual API key in X-MBX-APIKEY as Binance's USER_STREAM endpoints take it).

import { mintStreamToken } from "../../../shared/auth/stream-token.ts";
import type { RouteContext } from "../context.ts";
import { GatewayError } from "../errors.ts";

export async function mintTokenFor(c: RouteContext): Promise<Response> {
  const { options, caller } = c.var;
  if (caller.credential === null) throw new GatewayError({ kind: "credentials-missing" });
  const client = await caller.client();
  if (client === null)
    throw new GatewayError({
      kind: caller.credential.kind === "token" ? "token-unknown" : "api-key-unknown",
    });
  if (!client.scopes.has("stream"))
    throw new GatewayError({ kind: "scope-denied", client: client.name, scope: "stream" });
  const expiresAt = Date.now() + options.relay.tokenTtlSeconds * 1000;
  const token = await mintStreamToken(options.relay.tokenKey, { client: client.name, expiresAt });
  return Response.json({ token, expiresAt });
}
