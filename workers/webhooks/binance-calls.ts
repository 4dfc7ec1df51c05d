// Calls to Binance for one account and market from inside a Durable Object (the order desk, the relay's
// exchangeInfo reads). Like every REST call they leave through the egress object (the account's key, the
// weight budget, 429/418 back-off, reconciliation of unknown outcomes).

import { findEndpoint } from "../../shared/catalog/index.ts";
import type { HttpMethod, Market } from "../../shared/catalog/types.ts";
import type { Param } from "../../shared/encoding/query.ts";
import { toWireError } from "../../shared/errors.ts";
import type { CallOrigin, EgressReply } from "../../shared/rest/egress-reply.ts";
import { prepareUpstream } from "../../shared/rest/prepare.ts";
import { errorBody } from "../api/errors.ts";
import { egressStub } from "../durable-objects.ts";
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
  readonly #env: GatewayEnv;
  readonly #account: string;
  readonly #market: Market;
  readonly #hint: DurableObjectLocationHint | null;
  /** Whose request-weight budget the calls spend: the hook's, or the relay's for its exchangeInfo reads. */
  readonly #caller: CallOrigin["caller"];

  constructor(
    env: GatewayEnv,
    account: string,
    market: Market,
    hint: DurableObjectLocationHint | null,
    caller: CallOrigin["caller"],
  ) {
    this.#env = env;
    this.#account = account;
    this.#market = market;
    this.#hint = hint;
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
    const prepared = prepareUpstream(
      this.#market,
      endpoint,
      params,
      null,
      () => clientId ?? crypto.randomUUID(),
    );
    if (!prepared.ok) throw new Error(`could not prepare ${method} ${path}: ${prepared.error.kind}`);
    const egress = egressStub(this.#env, { locationHint: this.#hint });
    let reply: EgressReply;
    try {
      // No replay guard: the desk makes each alert's client order ids and replays nothing itself.
      reply = await egress.send({ ...prepared.value, account: this.#account }, TIMEOUT_MS, {
        caller: this.#caller,
        weightPerMinute: null,
        replay: null,
      });
    } catch {
      reply =
        prepared.value.reconcile === null
          ? { kind: "error", reason: { kind: "upstream-unreachable", cause: "network" } }
          : { kind: "error", reason: { kind: "order-outcome-unknown", clientOrderId: clientId ?? "" } };
    }
    if (reply.kind === "error") {
      const wire = toWireError(reply.reason);
      const body = errorBody(reply.reason);
      return reply.reason.kind === "order-outcome-unknown"
        ? { kind: "unknown", body }
        : { kind: "refused", status: wire.status, body, code: wire.code };
    }
    const body = new TextDecoder().decode(reply.body);
    if (reply.status >= 200 && reply.status < 300) return { kind: "ok", status: reply.status, body };
    return { kind: "refused", status: reply.status, body, code: errorCode(body) };
  }

  /** A read whose JSON answer is wanted; throws a one-sentence reason when there is none. */
  async read(path: string, params: readonly Param[]): Promise<unknown> {
    const result = await this.call("GET", path, params);
    if (result.kind !== "ok") throw new Error(`Binance refused ${path}: ${messageOf(result.body)}`);
    return JSON.parse(result.body) as unknown;
  }
}

export function errorCode(body: string): number | null {
  const match = /"code"\s*:\s*(-?\d+)/.exec(body);
  return match === null ? null : Number(match[1]);
}

export function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; msg?: unknown };
    if (typeof parsed.msg === "string") return `${parsed.code ?? ""} ${parsed.msg}`.trim();
  } catch {
    // Not JSON.
  }
  return body.slice(0, 200);
}
