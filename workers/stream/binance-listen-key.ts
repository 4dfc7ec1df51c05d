// Binance's listen-key calls (create, keep alive, close) for one account and market. Like every REST call,
// they leave through the egress object, which holds the account's API key and the 429/418 back-off.

import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import type { ListenKeyReply } from "../../shared/streams/user-data.ts";
import { egressStub } from "../durable-objects.ts";
import type { GatewayEnv } from "../env.ts";
import { failedWith } from "./user-keys.ts";

const PATHS = { um: "/fapi/v1/listenKey", cm: "/dapi/v1/listenKey" } as const;
const TIMEOUT_MS = 10_000;

export class BinanceListenKey {
  readonly #env: GatewayEnv;
  readonly #scope: RelayKeyScope;
  readonly #locationHint: DurableObjectLocationHint | null;

  constructor(env: GatewayEnv, scope: RelayKeyScope, locationHint: DurableObjectLocationHint | null) {
    this.#env = env;
    this.#scope = scope;
    this.#locationHint = locationHint;
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
    const egress = egressStub(this.#env, { locationHint: this.#locationHint });
    let reply: EgressReply;
    try {
      reply = await egress.send(
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
    } catch {
      reply = { kind: "error", reason: { kind: "upstream-unreachable", cause: "network" } };
    }
    return readReply(reply, method);
  }
}

function readReply(reply: EgressReply, method: string): ListenKeyReply {
  if (reply.kind === "error") return failedWith(reply.reason);
  const body = new TextDecoder().decode(reply.body);
  if (reply.status === 200) {
    const listenKey = parseListenKey(body);
    if (listenKey !== null || method !== "POST") return { kind: "ok", listenKey };
  }
  if (/"code"\s*:\s*-1125\b/.test(body)) return { kind: "missing" };
  return { kind: "failed", status: reply.status, body, reason: null };
}

function parseListenKey(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { listenKey?: unknown };
    return typeof parsed.listenKey === "string" && parsed.listenKey !== "" ? parsed.listenKey : null;
  } catch {
    return null;
  }
}
