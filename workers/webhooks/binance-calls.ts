// Calls to Binance for one account and market from inside a Durable Object (the order desk, the relay's
// exchangeInfo reads). Like every REST call they leave through the egress object (the account's key, the
// weight budget, 429/418 back-off, reconciliation of unknown outcomes).

import { findEndpoint } from "../../shared/catalog/index.ts";
import type { HttpMethod, Market } from "../../shared/catalog/types.ts";
import { errorCode, messageOf } from "../../shared/encoding/binance-error.ts";
import type { Param } from "../../shared/encoding/query.ts";
import { type CallOrigin, replyText } from "../../shared/rest/egress-reply.ts";
import { prepareEgressRequest } from "../../shared/rest/prepare.ts";
import type { Placement } from "../durable-objects.ts";
import { EgressClient } from "../egress/client.ts";
import type { GatewayEnv } from "../env.ts";

const TIMEOUT_MS = 10_000;

export type CallResult =
  /** Binance answered 2xx. */
  | { readonly kind: "ok"; readonly status: number; readonly body: string }
  /** Binance (or the gateway) answered with an error: nothing happened. */
  | { readonly kind: "refused"; readonly status: number; readonly body: string; readonly code: number | null }
  /** An order whose outcome nobody could settle. */
  | { readonly kind: "unknown"; readonly body: string };

export class BinanceCalls {
  readonly #egress: EgressClient;
  readonly #account: string;
  readonly #market: Market;
  /** Whose request-weight budget the calls spend: the hook's, or the relay's for its exchangeInfo reads. */
  readonly #caller: CallOrigin["caller"];

  constructor(env: GatewayEnv, account: string, market: Market, at: Placement, caller: CallOrigin["caller"]) {
    this.#egress = new EgressClient(env, at);
    this.#account = account;
    this.#market = market;
    this.#caller = caller;
  }

  async call(
    method: HttpMethod,
    path: string,
    params: readonly Param[],
    clientId?: string,
  ): Promise<CallResult> {
    const endpoint = findEndpoint(this.#market, method, path);
    if (endpoint === undefined) throw new Error(`not in the catalog: ${method} ${path}`);
    const prepared = prepareEgressRequest(
      this.#market,
      endpoint,
      params,
      null,
      () => clientId ?? crypto.randomUUID(),
    );
    if (!prepared.ok) throw new Error(`could not prepare ${method} ${path}: ${prepared.error.kind}`);
    // No replay guard: the desk makes each alert's client order ids and replays nothing itself.
    const reply = await this.#egress.send({ ...prepared.value, account: this.#account }, TIMEOUT_MS, {
      caller: this.#caller,
      weightPerMinute: null,
      replay: null,
    });
    const { status, body, reason } = replyText(reply);
    if (reason?.kind === "order-outcome-unknown") return { kind: "unknown", body };
    if (reason === null && status >= 200 && status < 300) return { kind: "ok", status, body };
    return { kind: "refused", status, body, code: errorCode(body) };
  }

  /** A read whose JSON answer is wanted; throws a one-sentence reason when there is none. */
  async read(path: string, params: readonly Param[]): Promise<unknown> {
    const result = await this.call("GET", path, params);
    if (result.kind !== "ok") throw new Error(`Binance refused ${path}: ${messageOf(result.body)}`);
    return JSON.parse(result.body) as unknown;
  }
}
