// A user stream object's upstream: the market relay's pool (redundant, merged, renewed) carrying Binance's
// listen key as its one stream, on the private path (USDⓈ-M `/private`, COIN-M `/stream`).

import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import type { LogFields } from "../../shared/log-fields.ts";
import type { RelayOptions } from "../config/index.ts";
import { type PoolHandlers, UpstreamPool } from "./upstream-pool.ts";

export type UserUpstreamEvents = Pick<PoolHandlers, "forward" | "notify" | "wake"> & {
  /** Binance refused to subscribe the listen key. */
  refused(listenKey: string): void;
  log(level: "info" | "warn", msg: string, fields: LogFields): void;
};

export function userUpstream(
  scope: RelayKeyScope,
  options: RelayOptions,
  events: UserUpstreamEvents,
): UpstreamPool {
  const path = scope.market === "um" ? "/private/stream" : "/stream";
  return new UpstreamPool(
    scope.market,
    options,
    {
      forward: (stream, text) => events.forward(stream, text),
      notify: (notice, streams) => events.notify(notice, streams),
      refused: (stream) => events.refused(stream),
      wake: (at) => events.wake(at),
      backoff: () => undefined,
      // The pool names streams in its logs: here a stream is Binance's listen key, which is never logged.
      log: (level, msg, fields) => {
        const { stream: _stream, ...rest } = fields;
        events.log(level, msg, rest);
      },
    },
    // User data comes in flurries (an order's fills, then nothing for hours): never judged a stall.
    { pathOf: () => path, noticeStalls: false },
  );
}
