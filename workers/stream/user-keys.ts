// Helpers of the user stream object: which relay keys lost their access, and the failures it answers the
// gateway with when it has no listen key to give.

import { type RelayKeyScope, relayKeyScope } from "../../shared/auth/relay-key.ts";
import { errorBody, type GatewayErrorReason, toWireError } from "../../shared/errors.ts";
import type { ListenKeyReply } from "../../shared/streams/user-data.ts";
import type { RelayKeyConfig } from "../config/index.ts";
import type { RelayKeyRow } from "./user-storage.ts";

/**
 * Keys whose holder left GATEWAY_CLIENTS, lost the stream scope or moved account, and keys minted under an
 * earlier GATEWAY_CLIENTS (the gateway refuses those already). An unreadable GATEWAY_CLIENTS ends nothing.
 */
export async function unauthorizedKeys(
  rows: readonly RelayKeyRow[],
  scope: RelayKeyScope,
  config: RelayKeyConfig,
): Promise<string[]> {
  if (rows.length === 0 || config.clients === null) return [];
  const allowed = new Set(
    config.clients.filter((c) => c.scopes.has("stream") && c.account === scope.account).map((c) => c.name),
  );
  const mac = await config.mac;
  const ended: string[] = [];
  for (const row of rows) {
    const genuine = (await relayKeyScope(mac, row.key, [scope.account]))?.market === scope.market;
    if (!genuine || !allowed.has(row.client)) ended.push(row.key);
  }
  return ended;
}

export function misconfigured(): ListenKeyReply {
  return failedWith({ kind: "gateway-misconfigured", message: "check the LISTEN_KEY_* and RELAY_* vars" });
}

export function unexpected(): ListenKeyReply {
  return failedWith({ kind: "listen-key-not-given" });
}

/** A listen-key call the gateway answers itself, rendered by the one renderer. */
export function failedWith(reason: GatewayErrorReason): ListenKeyReply {
  return { kind: "failed", status: toWireError(reason).status, body: errorBody(reason), reason };
}
