// The life of Binance's listen key inside an account's user stream object, as a state machine: it is created
// when the first relay key is handed out, kept alive every keepaliveMs, replaced when Binance answers -1125 or
// announces listenKeyExpired, and closed when no relay key is alive. Binance's calls are awaited by the Durable
// Object (workers/stream/listen-key-keeper.ts); this decides what each answer means and returns what to do
// (persist, listen upstream, tell the relays, wake), with the time passed in.
// Back-off: a keepalive Binance did not answer is retried after 1, 2, ... up to 5 minutes (the key stays valid
// for an hour). A key replaced again before any event arrived waits 1 s, 2 s, 4 s ... up to 5 minutes before
// asking Binance for another, so a refusing Binance is not asked in a loop.

import type { LogFields } from "../log-fields.ts";

export type LifecycleAction =
  | { readonly kind: "save-key"; readonly listenKey: string | null }
  | { readonly kind: "save-due"; readonly at: number }
  /** Stop listening upstream on an old key. */
  | { readonly kind: "unlisten"; readonly listenKey: string }
  /** Listen upstream on the key; `resumed`: after an announced gap, so the relays hear "reconnected". */
  | { readonly kind: "listen"; readonly listenKey: string; readonly resumed: boolean }
  /** Tell the relays (a gap, its end, or the pool's "stale"). */
  | { readonly kind: "announce"; readonly notice: string }
  /** Close every upstream connection. */
  | { readonly kind: "stop" }
  | { readonly kind: "schedule" }
  | {
      readonly kind: "log";
      readonly level: "info" | "warn";
      readonly msg: string;
      readonly fields: LogFields;
    };

/** What to do after a key was found gone: ask Binance for a new one, or wait (the alarm asks later). */
export type Replacement = "create" | "wait";

export const KEEPALIVE_RETRY_MS = 60_000;
const KEEPALIVE_RETRY_MAX_MS = 5 * KEEPALIVE_RETRY_MS;
const REPLACE_BACKOFF_MS = 1000;

export interface LifecycleState {
  readonly listenKey: string | null;
  readonly keepaliveDue: number | null;
}

export class ListenKeyLifecycle {
  #listenKey: string | null;
  #keepaliveDue: number | null;
  #keepaliveFailures = 0;
  /** Replacements since an event last arrived: more than one in a row waits, growing (Binance kept refusing). */
  #replacements = 0;
  /** Relays were told "reconnecting" and not yet "reconnected". */
  #gap = false;
  readonly #keepaliveMs: () => number;

  /** `keepaliveMs`: read when needed (the object's vars may be unreadable; the caller supplies a default). */
  constructor(saved: LifecycleState, keepaliveMs: () => number) {
    this.#listenKey = saved.listenKey;
    this.#keepaliveDue = saved.keepaliveDue;
    this.#keepaliveMs = keepaliveMs;
  }

  get listenKey(): string | null {
    return this.#listenKey;
  }

  get keepaliveDue(): number | null {
    return this.#keepaliveDue;
  }

  /** Whether the relays were told of a gap not yet closed (a new feed hears "reconnecting" at once). */
  get inGap(): boolean {
    return this.#gap;
  }

  isKeepaliveDue(now: number): boolean {
    return this.#keepaliveDue !== null && this.#keepaliveDue <= now;
  }

  /** The object restarted (deploy, eviction) while listening: the upstream is rebuilt, and relays hear of the gap. */
  restored(): LifecycleAction[] {
    if (this.#listenKey === null) return [];
    return [...this.announce("reconnecting"), { kind: "listen", listenKey: this.#listenKey, resumed: true }];
  }

  /** Binance gave a (new) key: listen on it, replacing the old one upstream. */
  created(listenKey: string, now: number): LifecycleAction[] {
    const old = this.#listenKey;
    this.#listenKey = listenKey;
    this.#keepaliveDue = now + this.#keepaliveMs();
    this.#keepaliveFailures = 0;
    const out: LifecycleAction[] = [
      { kind: "save-key", listenKey },
      { kind: "save-due", at: this.#keepaliveDue },
    ];
    if (old !== null && old !== listenKey) out.push({ kind: "unlisten", listenKey: old });
    // After an announced gap the new connection must be reported back ("reconnected").
    out.push({ kind: "listen", listenKey, resumed: this.#gap });
    return out;
  }

  /** Binance's answer to a keepalive; "missing" (-1125) means the key must be replaced. */
  keptAlive(reply: "ok" | "missing" | "failed", status: number, now: number): LifecycleAction[] | "replace" {
    if (reply === "missing") return "replace";
    if (reply === "ok") {
      this.#keepaliveFailures = 0;
      this.#replacements = 0;
      this.#keepaliveDue = now + this.#keepaliveMs();
      return [{ kind: "save-due", at: this.#keepaliveDue }];
    }
    // Binance did not answer (or refused for now): the key stays valid for up to an hour, so try again soon.
    this.#keepaliveFailures++;
    this.#keepaliveDue = now + Math.min(KEEPALIVE_RETRY_MS * this.#keepaliveFailures, KEEPALIVE_RETRY_MAX_MS);
    return [
      { kind: "save-due", at: this.#keepaliveDue },
      { kind: "log", level: "warn", msg: "listen key keepalive failed", fields: { status } },
    ];
  }

  /**
   * Binance's key is gone (expired, -1125, refused): relays hear of the gap. "create": ask Binance for a new
   * key and hand its answer to `replaced`; "wait": replaced moments ago and still failing, the alarm asks later.
   */
  replacing(why: string, now: number): { actions: LifecycleAction[]; next: Replacement } {
    const actions: LifecycleAction[] = [
      { kind: "log", level: "warn", msg: "listen key replaced", fields: { why } },
      ...this.announce("reconnecting"),
    ];
    this.#replacements++;
    if (this.#replacements === 1) return { actions, next: "create" };
    const wait = Math.min(REPLACE_BACKOFF_MS * 2 ** (this.#replacements - 2), KEEPALIVE_RETRY_MAX_MS);
    actions.push(...this.#drop(), ...this.retryLater(now, wait));
    return { actions, next: "wait" };
  }

  /** Binance's answer to the replacement's create: the new key, or null (tried again on the alarm). */
  replaced(listenKey: string | null, now: number): LifecycleAction[] {
    const actions = this.#drop();
    if (listenKey !== null)
      return [...actions.filter((a) => a.kind !== "save-key"), ...this.created(listenKey, now)];
    return [...actions, ...this.retryLater(now)];
  }

  /** No key to listen on: try to get one at `now + delayMs`. */
  retryLater(now: number, delayMs = KEEPALIVE_RETRY_MS): LifecycleAction[] {
    this.#keepaliveDue = now + delayMs;
    return [{ kind: "save-due", at: this.#keepaliveDue }, { kind: "schedule" }];
  }

  /** An event arrived on the key: Binance is serving it, so the replacement back-off starts over. */
  eventArrived(): void {
    this.#replacements = 0;
  }

  /**
   * No relay key is alive: everything stops. Returns the key to close at Binance (null if there was none).
   */
  stop(): { actions: LifecycleAction[]; close: string | null } {
    const listenKey = this.#listenKey;
    this.#listenKey = null;
    this.#keepaliveDue = null;
    this.#replacements = 0;
    const actions: LifecycleAction[] = [{ kind: "stop" }, { kind: "save-key", listenKey: null }];
    if (listenKey !== null)
      actions.push({ kind: "log", level: "info", msg: "listen key closed", fields: {} });
    return { actions, close: listenKey };
  }

  /** Tells the relays of a gap, or that it closed (the upstream pool's notices come here too). */
  announce(notice: string): LifecycleAction[] {
    if (notice === "reconnecting") this.#gap = true;
    if (notice === "reconnected") this.#gap = false;
    return [{ kind: "announce", notice }];
  }

  #drop(): LifecycleAction[] {
    const old = this.#listenKey;
    this.#listenKey = null;
    const actions: LifecycleAction[] = [{ kind: "save-key", listenKey: null }];
    if (old !== null) actions.unshift({ kind: "unlisten", listenKey: old });
    return actions;
  }
}

/** When the user stream object's alarm must fire next, or null when nothing waits. */
export function nextUserWake(times: {
  readonly keepaliveDue: number | null;
  readonly firstKeyExpiresAt: number | null;
  /** Set while upstream connections are open: their watchdog runs on the alarm. */
  readonly heartbeatAt: number | null;
  readonly retryAt: number | null;
}): number | null {
  const set = Object.values(times).filter((time): time is number => time !== null);
  return set.length === 0 ? null : Math.min(...set);
}
