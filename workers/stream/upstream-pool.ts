// The relay's upstream pool: the Durable Object side of shared/streams/upstream-lanes.ts. It makes the Binance
// WebSocket connections the lane machine asks for, hands their events (frames, acknowledgements, refusals,
// readiness, closes) to it with the time, and carries out the actions it returns. Every decision (slots, lanes,
// renewals, the watchdog, back-off, notices) is the machine's and is unit-tested there.

import type { Market } from "../../shared/catalog/types.ts";
import type { LogFields } from "../../shared/log-fields.ts";
import type { GapNotice, LaneAction } from "../../shared/streams/upstream-lane-actions.ts";
import { UpstreamLanes } from "../../shared/streams/upstream-lanes.ts";
import { marketPath } from "../../shared/streams/upstream-slots.ts";
import type { RelayOptions } from "../config/index.ts";
import { type ConnectionHandlers, UpstreamConnection } from "./upstream-connection.ts";

export interface PoolHandlers {
  forward(stream: string, text: string): void;
  notify(notice: GapNotice, streams: readonly string[]): void;
  /** Binance refused the stream: it has been dropped upstream, and its clients must be told and unsubscribed. */
  refused(stream: string, reason: string): void;
  /** Asks for tick() to run at this time (the relay's alarm). */
  wake(at: number): void;
  /** The reconnect back-off changed (persisted, so a restart during an outage does not reset it). */
  backoff(failures: number): void;
  log(level: "info" | "warn", msg: string, fields: LogFields): void;
}

/** How the pool is set up beyond the relay options. */
export interface PoolSetup {
  /**
   * Which stream server path carries a stream (default: the market's route for it, USDⓈ-M `/public` or
   * `/market`, COIN-M `/stream`); the user stream object sends listen keys to `/private`.
   */
  readonly pathOf?: (stream: string) => string;
  /** Whether a set that stops entirely is replaced after staleMs (default true; see upstream-health.ts). */
  readonly noticeStalls?: boolean;
}

export class UpstreamPool {
  readonly #handlers: PoolHandlers;
  readonly #lanes: UpstreamLanes<UpstreamConnection>;

  constructor(market: Market, options: RelayOptions, handlers: PoolHandlers, setup: PoolSetup = {}) {
    this.#handlers = handlers;
    const events: ConnectionHandlers = {
      onData: (link, stream, text, receivedAt) =>
        this.#run(this.#lanes.frame(link, stream, text, receivedAt)),
      onAcked: (link, streams, again) => this.#run(this.#lanes.acked(link, streams, again, Date.now())),
      onRefused: (_link, stream, reason) => this.#run(this.#lanes.refused(stream, reason, Date.now())),
      onReady: (link) => this.#run(this.#lanes.ready(link, Date.now())),
      onClosed: (link, why) => this.#run(this.#lanes.closed(link, why, Date.now())),
    };
    let nextId = 1;
    this.#lanes = new UpstreamLanes<UpstreamConnection>(
      {
        ...options,
        pathOf: setup.pathOf ?? ((stream) => marketPath(market, stream)),
        noticeStalls: setup.noticeStalls ?? true,
      },
      {
        create: (path, streams) => {
          const url = `${options.wsUrl[market]}${path}`;
          const link = new UpstreamConnection(nextId++, url, options.upstreamMessagesPerSecond, events);
          for (const stream of streams) link.add(stream);
          return link;
        },
        forward: (stream, text) => handlers.forward(stream, text),
        random: Math.random,
      },
    );
  }

  get streams(): string[] {
    return this.#lanes.streams;
  }

  get size(): number {
    return this.#lanes.size;
  }

  has(stream: string): boolean {
    return this.#lanes.has(stream);
  }

  get connections(): UpstreamConnection[] {
    return this.#lanes.links;
  }

  /** Streams clients were told are interrupted (persisted across restarts with the stream set). */
  isLost(stream: string): boolean {
    return this.#lanes.isLost(stream);
  }

  /** Re-adds streams after the object restarted (see UpstreamLanes.restore). */
  restore(streams: readonly string[], failures: number, now: number): void {
    this.#run(this.#lanes.restore(streams, failures, now));
  }

  add(stream: string): void {
    this.#run(this.#lanes.add(stream, Date.now()));
  }

  remove(stream: string, now: number): void {
    this.#run(this.#lanes.remove(stream, now));
  }

  /** Watchdog, renewals, probes, reconnects and idle closing. */
  tick(now: number): void {
    this.#run(this.#lanes.tick(now));
  }

  /** The earliest pending reconnect, if any. */
  nextRetryAt(): number | null {
    return this.#lanes.nextRetryAt();
  }

  closeAll(): void {
    this.#run(this.#lanes.closeAll(Date.now()));
  }

  #run(actions: readonly LaneAction<UpstreamConnection>[]): void {
    for (const action of actions) {
      switch (action.kind) {
        case "open":
          void action.link.open();
          break;
        case "add":
          action.link.add(action.stream);
          break;
        case "remove":
          action.link.remove(action.stream);
          break;
        case "probe":
          action.link.probe(action.at);
          break;
        case "close":
          action.link.close(action.code, action.reason);
          break;
        case "notify":
          this.#handlers.notify(action.notice, action.streams);
          break;
        case "refused":
          this.#handlers.refused(action.stream, action.reason);
          break;
        case "wake":
          this.#handlers.wake(action.at);
          break;
        case "backoff":
          this.#handlers.backoff(action.failures);
          break;
        case "log":
          this.#handlers.log(action.level, action.msg, action.fields);
          break;
      }
    }
  }
}
