// Binance's listen-key calls (create, keep alive, close) for one account and market. Like every REST call,
// they leave through the egress object, which holds the account's API key and the 429/418 back-off.

import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import { readBinanceError } from "../../shared/encoding/binance-error.ts";
import { type EgressReply, replyText } from "../../shared/rest/egress-reply.ts";
import type { ListenKeyReply } from "../../shared/streams/user-data.ts";
import type { Placement } from "../durable-objects.ts";
import { EgressClient } from "../egress/client.ts";
import type { GatewayEnv } from "../env.ts";

const PATHS = { um: "/fapi/v1/listenKey", cm: "/dapi/v1/listenKey" } as const;
const TIMEOUT_MS = 10_000;
/** Binance's "This listenKey does not exist." */
const LISTEN_KEY_MISSING = -1125;

export class BinanceListenKey {
  readonly #egress: EgressClient;
  readonly #scope: RelayKeyScope;

  constructor(env: GatewayEnv, scope: RelayKeyScope, at: Placement) {
    this.#egress = new EgressClient(env, at);
    this.#scope = scope;
  }

  /** A listen key for the account: Binance's active one (extended) or a new one. */
  create(): Promise<ListenKeyReply> {
    return this.#call("POST", null);
  }

  keepAlive(listenKey: string): Promise<ListenKeyReply> {
    return this.#call("PUT", listenKey);
  }

  close(listenKey: string): Promise<ListenKeyReply> {
    return this.#call("DELETE", listenKey);
  }

  async #call(method: "POST" | "PUT" | "DELETE", listenKey: string | null): Promise<ListenKeyReply> {
    const reply = await this.#egress.send(
      {
        account: this.#scope.account,
        market: this.#scope.market,
        method,
        path: PATHS[this.#scope.market],
        security: "API_KEY",
        query: listenKey === null ? [] : [["listenKey", listenKey]],
        body: null,
        countsAsOrder: false,
        reconcile: null,
      },
      TIMEOUT_MS,
      { caller: { kind: "user-stream", name: this.#scope.account }, weightPerMinute: null, replay: null },
    );
    return readReply(reply, method);
  }
}

function readReply(reply: EgressReply, method: string): ListenKeyReply {
  const { status, body, reason } = replyText(reply);
  if (reason !== null) return { kind: "failed", status, body, reason };
  if (status === 200) {
    const listenKey = parseListenKey(body);
    if (listenKey !== null || method !== "POST") return { kind: "ok", listenKey };
  }
  if (readBinanceError(body)?.code === LISTEN_KEY_MISSING) return { kind: "missing" };
  return { kind: "failed", status, body, reason: null };
}

function parseListenKey(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { listenKey?: unknown };
    return typeof parsed.listenKey === "string" && parsed.listenKey !== "" ? parsed.listenKey : null;
  } catch {
    return null;
  }
}
