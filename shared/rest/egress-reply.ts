// What the egress object answers for one upstream call: Binance's response (status, headers and body bytes,
// never re-serialised), or the gateway's own reason for not having one. The contract between the egress object
// and everything that calls Binance through it (the REST gateway, the user stream objects).

import type { GatewayErrorReason } from "../errors.ts";

export type EgressReply =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: ArrayBuffer;
      /** Set when the answer comes from reconciliation rather than from the original call. */
      readonly reconciled?: "found" | "batch";
    }
  | { readonly kind: "error"; readonly reason: GatewayErrorReason };

/** The egress object's name: the location hint is part of it, because a hint only applies at creation. */
export function egressObjectName(locationHint: string | null): string {
  return `egress:${locationHint ?? "default"}`;
}
