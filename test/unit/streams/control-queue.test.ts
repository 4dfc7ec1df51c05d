import { describe, expect, it } from "vitest";
import { ControlQueue } from "../../../shared/streams/control-queue.ts";

type Sent = { method: string; params?: string[]; id: number };

/** Everything the queue would send now, parsed. */
function drain(queue: ControlQueue): Sent[] {
  const sent: Sent[] = [];
  for (let message = queue.next(); message !== null; message = queue.next()) sent.push(JSON.parse(message));
  return sent;
}

const ok = { ok: true, error: null, streams: null };

/** A queue whose server holds these streams (subscribed in one message, id 1, acknowledged at 0). */
function holding(...streams: string[]): ControlQueue {
  const queue = new ControlQueue();
  for (const stream of streams) queue.add(stream, 0);
  drain(queue);
  queue.reply("1", ok, 0);
  return queue;
}
const refusedWith = (error: string) => ({ ok: false, error, streams: null });

describe("control queue: batching", () => {
  it("sends one SUBSCRIBE for the streams added since the last message, at most 200 a message", () => {
    const queue = new ControlQueue();
    for (let i = 0; i < 450; i++) queue.add(`s${i}@aggTrade`, 0);
    const sent = drain(queue);
    expect(sent.map((message) => [message.method, message.params?.length])).toEqual([
      ["SUBSCRIBE", 200],
      ["SUBSCRIBE", 200],
      ["SUBSCRIBE", 50],
    ]);
    expect(sent.map((message) => message.id)).toEqual([1, 2, 3]);
    expect(queue.hasQueued).toBe(false);
  });

  it("cancels a subscribe and an unsubscribe of the same stream not sent yet", () => {
    const queue = new ControlQueue();
    queue.add("a@aggTrade", 0);
    queue.remove("a@aggTrade");
    expect(queue.hasQueued).toBe(false);
    // Once held, an unsubscribe not sent yet is cancelled by adding it again: the server still holds it.
    queue.add("b@aggTrade", 0);
    drain(queue);
    queue.reply("1", ok, 10);
    queue.remove("b@aggTrade");
    expect(queue.pendingRemovals).toBe(1);
    queue.add("b@aggTrade", 20);
    expect(queue.hasQueued).toBe(false);
    expect(queue.subscribed.get("b@aggTrade")).toBe(20);
  });

  it("counts unsubscribes queued or unanswered as streams the server may still hold", () => {
    const queue = holding("a", "b");
    queue.remove("a");
    queue.remove("b");
    expect(queue.pendingRemovals).toBe(2);
    expect(drain(queue)).toEqual([{ method: "UNSUBSCRIBE", params: ["a", "b"], id: 2 }]);
    expect(queue.pendingRemovals).toBe(2);
    expect(queue.reply("2", ok, 0)).toEqual({ kind: "unsubscribed" });
    expect(queue.pendingRemovals).toBe(0);
  });

  it("sends the probe first, and never two unsubscribes running while a subscribe waits", () => {
    const queue = holding(...["a", "b", "c"]);
    queue.remove("a");
    expect(queue.next()).toContain("UNSUBSCRIBE");
    queue.remove("b");
    queue.add("victim", 0);
    queue.remove("c");
    const line = (message: Sent) => `${message.method} ${message.params?.join(",") ?? ""}`;
    expect(drain(queue).map(line)).toEqual(["SUBSCRIBE victim", "UNSUBSCRIBE b,c"]);
    queue.add("later", 0);
    queue.probe(100);
    expect(drain(queue).map(line)).toEqual(["LIST_SUBSCRIPTIONS ", "SUBSCRIBE later"]);
  });

  it("keeps one probe out at a time", () => {
    const queue = new ControlQueue();
    expect(queue.probe(100)).toBe(true);
    expect(queue.probe(200)).toBe(false);
    expect(queue.probeSentAt).toBe(100);
    drain(queue);
    expect(queue.reply("1", { ok: true, error: null, streams: [] }, 150)).toEqual({ kind: "probed" });
    expect(queue.probeSentAt).toBeNull();
    expect(queue.lastProbeAnsweredAt).toBe(150);
  });
});

describe("control queue: acknowledgements and readiness", () => {
  it("marks acknowledged streams live, and is ready once, when every wanted stream is", () => {
    const queue = new ControlQueue();
    queue.add("a", 0);
    queue.add("b", 0);
    drain(queue);
    expect(queue.takeReady(true)).toBe(false);
    expect(queue.reply("1", ok, 42)).toEqual({ kind: "acked", fresh: ["a", "b"], again: [] });
    expect(queue.subscribed.get("a")).toBe(42);
    expect(queue.takeReady(false)).toBe(false);
    expect(queue.takeReady(true)).toBe(true);
    expect(queue.takeReady(true)).toBe(false);
    queue.add("c", 50);
    expect(queue.allAcked).toBe(false);
  });

  it("ignores replies to nothing it asked", () => {
    expect(new ControlQueue().reply("7", ok, 0)).toEqual({ kind: "none" });
  });

  it("subscribes again what a probe finds missing, and reports it acknowledged again (with a gap)", () => {
    const queue = holding("a", "b");
    queue.takeReady(true);
    queue.probe(100);
    drain(queue);
    queue.reply("2", { ok: true, error: null, streams: ["a"] }, 110);
    expect([...queue.subscribed.keys()]).toEqual(["a"]);
    expect(drain(queue)).toEqual([{ method: "SUBSCRIBE", params: ["b"], id: 3 }]);
    expect(queue.reply("3", ok, 120)).toEqual({ kind: "acked", fresh: [], again: ["b"] });
    expect(queue.takeReady(true)).toBe(true);
  });
});

describe("control queue: refused batches", () => {
  it("splits a refused batch in halves until the refused stream is alone, and gives up only that one", () => {
    const queue = new ControlQueue();
    for (const stream of ["a", "b", "c", "bad", "e"]) queue.add(stream, 0);
    let sent = drain(queue);
    const refusals: string[] = [];
    const acked: string[] = [];
    // The server refuses every batch holding "bad" and accepts the rest.
    for (let round = 0; round < 10 && sent.length > 0; round++) {
      for (const message of sent) {
        const outcome = queue.reply(
          String(message.id),
          message.params?.includes("bad") ? refusedWith("Invalid request") : ok,
          round,
        );
        if (outcome.kind === "refused") refusals.push(`${outcome.stream}: ${outcome.reason}`);
        if (outcome.kind === "acked") acked.push(...outcome.fresh);
      }
      sent = drain(queue);
    }
    expect(refusals).toEqual(["bad: Invalid request"]);
    expect(acked.sort()).toEqual(["a", "b", "c", "e"]);
    expect(queue.wanted.has("bad")).toBe(false);
    expect(queue.takeReady(true)).toBe(true);
  });

  it("drops streams no longer wanted from a batch being resent", () => {
    const queue = new ControlQueue();
    for (const stream of ["a", "b", "c", "d"]) queue.add(stream, 0);
    drain(queue);
    expect(queue.reply("1", refusedWith("Invalid request"), 0)).toEqual({ kind: "split" });
    queue.remove("a");
    queue.remove("b");
    expect(drain(queue)).toEqual([
      { method: "UNSUBSCRIBE", params: ["a", "b"], id: 2 },
      { method: "SUBSCRIBE", params: ["c", "d"], id: 3 },
    ]);
  });

  it("reports a refused probe (the connection is replaced) and lets a refused unsubscribe be", () => {
    const queue = holding("a");
    queue.remove("a");
    queue.probe(10);
    drain(queue);
    expect(queue.reply("2", refusedWith("bad"), 20)).toEqual({ kind: "probe-refused", reason: "bad" });
    expect(queue.reply("3", refusedWith("bad"), 20)).toEqual({ kind: "none" });
  });
});
