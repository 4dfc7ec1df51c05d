// POST /gateway/stream-token: a short-lived relay token for a browser page, minted for a caller with the stream
// scope (bearer token, or virtual API key in X-MBX-APIKEY as Binance's USER_STREAM endpoints take it).

import { mintStreamToken } from "../../../shared/auth/stream-token.ts";
import type { GatewayOptions } from "../../config/index.ts";
import { GatewayError } from "../errors.ts";

export async function mintTokenFor(request: Request, options: GatewayOptions): Promise<Response> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
  const apiKey = request.headers.get("X-MBX-APIKEY")?.trim();
  const client =
    bearer !== undefined
      ? await options.registry.findByToken(bearer)
      : apiKey !== undefined && apiKey !== ""
        ? await options.registry.findByApiKey(apiKey)
        : undefined;
  if (client === undefined) throw new GatewayError({ kind: "credentials-missing" });
  if (client === null)
    throw new GatewayError({ kind: bearer !== undefined ? "token-unknown" : "api-key-unknown" });
  if (!client.scopes.has("stream"))
    throw new GatewayError({ kind: "scope-denied", client: client.name, scope: "stream" });
  const expiresAt = Date.now() + options.relay.tokenTtlSeconds * 1000;
  const token = await mintStreamToken(options.relay.tokenKey, { client: client.name, expiresAt });
  return Response.json({ token, expiresAt });
}
