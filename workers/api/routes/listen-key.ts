// Listen keys through the gateway: POST / PUT / DELETE on /fapi/v1/listenKey and /dapi/v1/listenKey never reach
// Binance from here. The account's user stream object owns Binance's key; the caller gets a relay key, bound
// to its account and market, in Binance's response shapes. A key named in PUT or DELETE must be one of ours for
// this account and market (checked by its MAC before any object is asked), else Binance's -1125.

import { relayKeyScope } from "../../../shared/auth/relay-key.ts";
import type { Market } from "../../../shared/catalog/types.ts";
import type { Param } from "../../../shared/encoding/query.ts";
import type { ListenKeyReply } from "../../../shared/streams/user-data.ts";
import { userStreamStub } from "../../durable-objects.ts";
import type { RouteContext } from "../context.ts";
import { renderError } from "../errors.ts";

const JSON_HEADERS = { "Content-Type": "application/json" };

export async function handleListenKey(
  c: RouteContext,
  call: {
    readonly method: "POST" | "PUT" | "DELETE";
    readonly market: Market;
    readonly params: readonly Param[];
  },
  client: { readonly name: string; readonly account: string },
): Promise<Response> {
  const { options } = c.var;
  const scope = { account: client.account, market: call.market };
  const named = call.params.find(([name]) => name === "listenKey")?.[1] ?? null;
  const key = named === null || named === "" ? null : named;
  if (key !== null && call.method !== "POST") {
    const owner = await relayKeyScope(options.relay.relayKeyMac, key, options.accounts);
    if (owner === null || owner.account !== scope.account || owner.market !== scope.market)
      return render({ kind: "missing" }, call.method);
  }
  const stream = userStreamStub(c.env, scope, options);
  let reply: ListenKeyReply;
  try {
    if (call.method === "POST") reply = await stream.open(scope, client.name);
    else if (call.method === "PUT") reply = await stream.keepAlive(scope, client.name, key);
    else reply = await stream.close(scope, client.name, key);
  } catch {
    return renderError({ kind: "upstream-unreachable", cause: "network" });
  }
  return render(reply, call.method);
}

function render(reply: ListenKeyReply, method: string): Response {
  if (reply.kind === "missing") return renderError({ kind: "listen-key-unknown" });
  if (reply.kind === "failed") {
    if (reply.reason !== null) return renderError(reply.reason);
    return new Response(reply.body, { status: reply.status, headers: JSON_HEADERS });
  }
  const body =
    method === "DELETE" || reply.listenKey === null ? "{}" : JSON.stringify({ listenKey: reply.listenKey });
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}
