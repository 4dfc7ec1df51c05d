// The gap indicator: which of the page's streams are in a gap right now (the page's socket dropped, or the relay
// lost its upstream), kept per stream so the indicator says "recovered" only when every one of them is back. The
// relay's "stale" notice is a moment, not a state: it is shown without opening a gap.

import type { GapEvent } from "../client/index.ts";
import { element, log } from "./dom.ts";

export class GapView {
  readonly #open = new Set<string>();
  #current = new Set<string>();

  /** The streams the page now shows; gaps of streams it left are forgotten. */
  watch(streams: readonly string[]): void {
    this.#current = new Set(streams);
    for (const stream of [...this.#open]) if (!this.#current.has(stream)) this.#open.delete(stream);
    if (this.#open.size === 0 && document.body.dataset.gap === "open") this.#show("recovered", "recovered");
  }

  record(gap: GapEvent): void {
    const streams = gap.streams.length > 0 ? gap.streams : [...this.#current];
    const mine = streams.filter((stream) => this.#current.has(stream));
    log(`gap ${gap.phase} (${gap.source}) on ${mine.map(describe).join(", ") || "no stream shown"}`);
    if (mine.length === 0) return;
    if (gap.phase === "stale") {
      if (this.#open.size === 0) this.#show("stale", `stale data ${clock(gap.time)}`);
      return;
    }
    for (const stream of mine) {
      if (gap.phase === "start") this.#open.add(stream);
      else this.#open.delete(stream);
    }
    if (this.#open.size > 0)
      this.#show("open", gap.source === "relay" ? "gap: relay reconnecting upstream" : "gap: reconnecting");
    else this.#show("recovered", `recovered ${clock(gap.time)}`);
  }

  #show(state: "open" | "recovered" | "stale", text: string): void {
    const indicator = element("#gap");
    indicator.hidden = false;
    indicator.textContent = text;
    document.body.dataset.gap = state;
  }
}

/** Stream names for the log; a relay listen key is a credential and is not shown. */
function describe(stream: string): string {
  return /^[A-Za-z0-9]{64}$/.test(stream) ? "user data" : stream;
}

function clock(time: number): string {
  return new Date(time).toLocaleTimeString([], { hour12: false });
}
