// The one client of the egress object: every caller of Binance (the REST gateway, the order desks, the relay's
// exchangeInfo reads, the user stream objects' listen keys) sends through it, and it is the only code that looks
// the object up. It never throws: when the object fails mid-call (reset, overloaded), the caller gets the reason a
// lost call deserves (shared/rest/egress-request.ts lostCallReason), so a write's fate is never reported as known.

import type { CallOrigin, EgressReply } from "../../shared/rest/egress-reply.ts";
import { egressObjectName } from "../../shared/rest/egress-reply.ts";
import { type EgressRequest, lostCallReason } from "../../shared/rest/egress-request.ts";
import type { GatewayEnv } from "../env.ts";
import { placement } from "../placement.ts";

export class EgressClient {
  readonly #env: GatewayEnv;
  readonly #locationHint: string | null;

  /** `locationHint`: BINANCE_LOCATION_HINT; it is part of the object's name, since it applies at creation. */
  constructor(env: GatewayEnv, locationHint: string | null) {
    this.#env = env;
    this.#locationHint = locationHint;
  }

  async send(request: EgressRequest, timeoutMs: number, origin: CallOrigin): Promise<EgressReply> {
    const hint = this.#locationHint;
    const egress = this.#env.BINANCE_EGRESS.getByName(egressObjectName(hint), placement(hint));
    try {
      return await egress.send(request, timeoutMs, origin);
    } catch {
      return { kind: "error", reason: lostCallReason(request) };
    }
  }
}
