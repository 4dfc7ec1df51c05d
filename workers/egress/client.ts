// The one client of the egress object: every caller of Binance (the REST gateway, the order desks, the relay's
// exchangeInfo reads, the user stream objects' listen keys) sends through it, and it is the only code that looks
// the object up. It never throws: when the object fails mid-call (reset, overloaded), the caller gets the reason a
// lost call deserves (shared/rest/egress-request.ts lostCallReason), so a write's fate is never reported as known.

import type { CallOrigin, EgressReply } from "../../shared/rest/egress-reply.ts";
import { type EgressRequest, lostCallReason } from "../../shared/rest/egress-request.ts";
import { egressStub, type Placement } from "../durable-objects.ts";
import type { GatewayEnv } from "../env.ts";

export class EgressClient {
  readonly #env: GatewayEnv;
  readonly #at: Placement;

  /** `at`: where the object lives (BINANCE_LOCATION_HINT, part of its name since it applies at creation). */
  constructor(env: GatewayEnv, at: Placement) {
    this.#env = env;
    this.#at = at;
  }

  async send(request: EgressRequest, timeoutMs: number, origin: CallOrigin): Promise<EgressReply> {
    const egress = egressStub(this.#env, this.#at);
    try {
      return await egress.send(request, timeoutMs, origin);
    } catch {
      return { kind: "error", reason: lostCallReason(request) };
    }
  }
}
