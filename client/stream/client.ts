// A client for the relay's combined stream endpoint (`wss://host/stream`, or `/cm/stream`), speaking Binance's
// live-subscription protocol over a self-healing connection (connection.ts: back-off with jitter, heartbeat).
// It keeps the caller's subscriptions across reconnects (subscriptions.ts: resubscribed in batches), paces
// every message under Binance's 10 per second (pacer.ts), matches replies to requests by id, and reports
// gaps so that consumers such as an order book know when they may have missed data: its own drops (start on
// the drop, end once the stream is confirmed on the new socket) and the relay's notices about its upstream
// (`relayEvents: true`). With `batchMs` the relay sends several messages per frame, joined by "\n", which are
// split here before parsing. Time, timers, randomness and sockets all come from the StreamRuntime.

import { splitBatch } from "../../shared/streams/frame-batches.ts";
import { GapTracker } from "../../shared/streams/gap-tracker.ts";
import { Listeners } from "../listeners.ts";
import { defaultRuntime, type StreamRuntime } from "../runtime.ts";
import { Connection } from "./connection.ts";
import { StreamClientError } from "./errors.ts";
import { type Incoming, type Parse, readIncoming } from "./incoming.ts";
import type { StreamDescriptor } from "./names.ts";
import type { ConnectionStatus, GapEvent, StreamClientOptions } from "./options.ts";
import { Outbox } from "./outbox.ts";
import { Pacer } from "./pacer.ts";
import { RequestQueue } from "./request-queue.ts";
import { type StreamHandler, Subscriptions } from "./subscriptions.ts";

export class StreamClient {
  readonly #runtime: StreamRuntime;
  readonly #parse: Parse;
  readonly #subs = new Subscriptions();
  readonly #gaps = new GapTracker();
  readonly #requests: RequestQueue;
  readonly #outbox: Outbox;
  readonly #pacer: Pacer;
  readonly #connection: Connection;
  readonly #report: (error: unknown) => void;
  readonly #statusListeners: Listeners<ConnectionStatus>;
  readonly #gapListeners: Listeners<GapEvent>;

  constructor(options: StreamClientOptions) {
    const runtime = options.runtime ?? defaultRuntime();
    this.#runtime = runtime;
    this.#parse = options.parse ?? JSON.parse;
    this.#requests = new RequestQueue(options.queue?.limit ?? 64, options.queue?.policy ?? "drop-oldest");
    this.#outbox = new Outbox(this.#subs, this.#requests, options.batchSize ?? 100);
    this.#pacer = new Pacer(runtime, options.maxMessagesPerSecond ?? 10);
    // A throwing handler must not break dispatch; rethrown from a timer, it still surfaces as uncaught.
    this.#report = (error) =>
      runtime.setTimeout(() => {
        throw error;
      }, 0);
    this.#statusListeners = new Listeners(this.#report);
    this.#gapListeners = new Listeners(this.#report);
    const query = [
      ...(options.relayEvents === true ? ["relayEvents=1"] : []),
      ...(options.batchMs !== undefined && options.batchMs > 0 ? [`batch=${options.batchMs}`] : []),
    ].join("&");
    const separator = options.url.includes("?") ? "&" : "?";
    const url = query === "" ? options.url : `${options.url}${separator}${query}`;
    const protocols = options.credential ? [options.credential] : [];
    this.#connection = new Connection(
      runtime,
      { url, protocols, backoff: options.backoff, heartbeat: options.heartbeat },
      {
        opened: () => this.#pump(),
        received: (text) => {
          // A batched frame holds whole messages joined by "\n" (Binance's JSON never holds a raw one).
          for (const message of splitBatch(text)) this.#received(message);
        },
        lost: () => this.#lost(),
        ping: () => {
          this.#outbox.ping();
          this.#pump();
        },
        status: (status) => this.#statusListeners.emit(status),
      },
    );
    this.#connection.start();
  }

  get status(): ConnectionStatus {
    return this.#connection.status;
  }

  /** Calls onEvent with each payload of the stream and its frame's raw text, until the returned function runs. */
  subscribe<T>(
    stream: string | StreamDescriptor<T>,
    onEvent: (event: T, raw: string) => void,
    onError?: (error: StreamClientError) => void,
  ): () => void {
    const name = typeof stream === "string" ? stream : stream.name;
    const handler: StreamHandler = { onEvent: onEvent as StreamHandler["onEvent"], onError };
    this.#subs.add(name, handler);
    this.#pump();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      if (this.#subs.remove(name, handler)) this.#gaps.forget(name);
      this.#pump();
    };
  }

  /**
   * Another request of the protocol (LIST_SUBSCRIPTIONS, GET_PROPERTY, ...); resolves with its `result`.
   * Not for SUBSCRIBE or UNSUBSCRIBE: streams asked for here are not resubscribed after a reconnect.
   */
  request(method: string, params?: readonly unknown[]): Promise<unknown> {
    if (this.status === "closed") return Promise.reject(new StreamClientError("closed", "client closed"));
    const reply = this.#requests.enqueue(method, params);
    this.#pump();
    return reply;
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    return this.#statusListeners.add(listener);
  }

  onGap(listener: (gap: GapEvent) => void): () => void {
    return this.#gapListeners.add(listener);
  }

  /** Closes for good: no reconnect; waiting and unanswered requests are rejected with "closed". */
  close(): void {
    this.#pacer.reset();
    this.#connection.close();
    this.#requests.failAll(new StreamClientError("closed", "client closed"));
  }

  #received(text: string): void {
    const frame = readIncoming(text, this.#parse);
    if (frame.kind === "data") {
      for (const handler of this.#subs.handlers(frame.stream)) {
        this.#safely(() => handler.onEvent(frame.data, text));
      }
    } else if (frame.kind === "result" || frame.kind === "error") {
      this.#reply(frame);
    } else if (frame.kind === "notice") {
      const { relay, streams, time } = frame.notice;
      const phase = relay === "reconnecting" ? "start" : relay === "reconnected" ? "end" : "stale";
      this.#gapListeners.emit({ phase, source: "relay", streams, time });
    }
  }

  #reply(reply: Extract<Incoming, { kind: "result" | "error" }>): void {
    if (reply.id === null) {
      if (reply.kind === "error") this.#refusedLater(reply.error);
      return;
    }
    if (this.#requests.settle(reply)) return;
    if (reply.kind === "result") {
      const back = this.#gaps.update(this.#subs.confirm(reply.id).map((s) => [s, true] as const)).back;
      if (back.length > 0) this.#emitGap("end", back);
      return;
    }
    for (const stream of this.#subs.refuse(reply.id)) {
      this.#gaps.forget(stream);
      const error = new StreamClientError("refused", `${stream}: ${reply.error.msg}`, reply.error);
      for (const handler of this.#subs.drop(stream)) this.#safely(() => handler.onError?.(error));
    }
    this.#pump();
  }

  /**
   * An error with no id: the relay dropped a stream Binance refused after the subscription was confirmed
   * ("Invalid request: stream <name> refused by Binance (...)"). Its handlers are told and it is forgotten.
   */
  #refusedLater(error: { readonly code: number; readonly msg: string }): void {
    const stream = /^Invalid request: stream (\S+) refused/.exec(error.msg)?.[1];
    if (stream === undefined || this.#subs.handlers(stream).length === 0) return;
    this.#gaps.forget(stream);
    const refused = new StreamClientError("refused", `${stream}: ${error.msg}`, error);
    for (const handler of this.#subs.drop(stream)) this.#safely(() => handler.onError?.(refused));
    this.#subs.forgetAsked(stream);
  }

  /** The socket is gone: nothing is held or pending on it any more, and held streams have a gap. */
  #lost(): void {
    this.#pacer.reset();
    this.#outbox.clear();
    this.#subs.reset();
    this.#requests.failInflight(new StreamClientError("disconnected", "the connection dropped"));
    const lost = this.#gaps.update(this.#subs.streams.map((s) => [s, false] as const)).lost;
    if (lost.length > 0) this.#emitGap("start", lost);
  }

  /** Sends what the outbox holds, as fast as the pacer allows. */
  #pump(): void {
    if (this.#connection.status !== "open") return;
    this.#pacer.drain(
      () => this.#outbox.due(),
      () => {
        const message = this.#outbox.next();
        return message !== null && this.#connection.send(message);
      },
    );
  }

  #emitGap(phase: GapEvent["phase"], streams: readonly string[]): void {
    this.#gapListeners.emit({ phase, source: "socket", streams, time: this.#runtime.now() });
  }

  #safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#report(error);
    }
  }
}
