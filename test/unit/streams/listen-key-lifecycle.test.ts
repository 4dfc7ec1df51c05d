import { describe, expect, it } from "vitest";
import {
  type LifecycleAction,
  ListenKeyLifecycle,
  nextUserWake,
} from "../../../shared/streams/listen-key-lifecycle.ts";

const KEEPALIVE_MS = 1_800_000;

function fresh(listenKey: string | null = null, keepaliveDue: number | null = null): ListenKeyLifecycle {
  return new ListenKeyLifecycle({ listenKey, keepaliveDue }, () => KEEPALIVE_MS);
}

function kinds(actions: readonly LifecycleAction[]): string[] {
  return actions.map((action) =>
    action.kind === "listen" ? `listen ${action.listenKey}${action.resumed ? " resumed" : ""}` : action.kind,
  );
}

function asActions(outcome: LifecycleAction[] | "replace"): LifecycleAction[] {
  if (outcome === "replace") throw new Error("expected actions");
  return outcome;
}

describe("listen key lifecycle: create and keep alive", () => {
  it("listens on a new key and schedules its keepalive keepaliveMs later", () => {
    const key = fresh();
    const actions = key.created("K1", 1000);
    expect(actions).toEqual([
      { kind: "save-key", listenKey: "K1" },
      { kind: "save-due", at: 1000 + KEEPALIVE_MS },
      { kind: "listen", listenKey: "K1", resumed: false },
    ]);
    expect(key.isKeepaliveDue(KEEPALIVE_MS + 999)).toBe(false);
    expect(key.isKeepaliveDue(KEEPALIVE_MS + 1000)).toBe(true);
  });

  it("pushes the keepalive on after Binance answers it", () => {
    const key = fresh();
    key.created("K1", 0);
    expect(key.keptAlive("ok", 200, KEEPALIVE_MS)).toEqual([{ kind: "save-due", at: 2 * KEEPALIVE_MS }]);
  });

  it("retries an unanswered keepalive after 1, 2, ... minutes, at most 5", () => {
    const key = fresh();
    key.created("K1", 0);
    const dues = [1, 2, 3, 4, 5, 6].map((i) => {
      const [due] = asActions(key.keptAlive("failed", 503, i * 1_000_000));
      return due?.kind === "save-due" ? due.at - i * 1_000_000 : null;
    });
    expect(dues).toEqual([60_000, 120_000, 180_000, 240_000, 300_000, 300_000]);
    // One answer resets the back-off.
    key.keptAlive("ok", 200, 0);
    const [due] = asActions(key.keptAlive("failed", 0, 0));
    expect(due).toEqual({ kind: "save-due", at: 60_000 });
  });
});

describe("listen key lifecycle: replacement", () => {
  it("replaces a key Binance answers -1125 for: relays hear of the gap, and the new key is reported back", () => {
    const key = fresh();
    key.created("K1", 0);
    expect(key.keptAlive("missing", 400, 10)).toBe("replace");
    const { actions, next } = key.replacing("keepalive answered -1125", 10);
    expect(next).toBe("create");
    expect(kinds(actions)).toEqual(["log", "announce"]);
    expect(key.inGap).toBe(true);
    // The new key is listened to as a resumed one: its connection reports "reconnected".
    expect(kinds(key.replaced("K2", 20))).toEqual(["unlisten", "save-key", "save-due", "listen K2 resumed"]);
    expect(key.listenKey).toBe("K2");
  });

  it("replaces a key on listenKeyExpired the same way, and keeps none when Binance gives none", () => {
    const key = fresh();
    key.created("K1", 0);
    key.replacing("listenKeyExpired", 100);
    const actions = key.replaced(null, 100);
    expect(actions).toEqual([
      { kind: "unlisten", listenKey: "K1" },
      { kind: "save-key", listenKey: null },
      { kind: "save-due", at: 60_100 },
      { kind: "schedule" },
    ]);
    expect(key.listenKey).toBeNull();
  });

  it("backs off when replaced again before any event arrived: 1 s, 2 s, 4 s ... at most 5 minutes", () => {
    const key = fresh();
    key.created("K1", 0);
    expect(key.replacing("listenKeyExpired", 0).next).toBe("create");
    key.replaced("K2", 0);
    const waits = Array.from({ length: 11 }, () => {
      const { actions, next } = key.replacing("listenKeyExpired", 0);
      expect(next).toBe("wait");
      const due = actions.find((action) => action.kind === "save-due");
      return due?.kind === "save-due" ? due.at : null;
    });
    expect(waits.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(waits.at(-1)).toBe(300_000);
    expect(key.listenKey).toBeNull();
  });

  it("starts the replacement back-off over once an event arrives or a keepalive is answered", () => {
    const key = fresh();
    key.created("K1", 0);
    key.replacing("listenKeyExpired", 0);
    key.replaced("K2", 0);
    key.eventArrived();
    expect(key.replacing("listenKeyExpired", 0).next).toBe("create");
    key.replaced("K3", 0);
    key.keptAlive("ok", 200, 0);
    expect(key.replacing("listenKeyExpired", 0).next).toBe("create");
  });
});

describe("listen key lifecycle: restart and stop", () => {
  it("after a restart while listening, tells the relays of the gap and resumes the key", () => {
    const key = fresh("K1", 5000);
    expect(kinds(key.restored())).toEqual(["announce", "listen K1 resumed"]);
    expect(key.inGap).toBe(true);
    key.announce("reconnected");
    expect(key.inGap).toBe(false);
    expect(fresh().restored()).toEqual([]);
  });

  it("stops everything when no relay key is alive, and names the key to close at Binance", () => {
    const key = fresh();
    key.created("K1", 0);
    const { actions, close } = key.stop();
    expect(kinds(actions)).toEqual(["stop", "save-key", "log"]);
    expect(close).toBe("K1");
    expect(key.listenKey).toBeNull();
    expect(key.keepaliveDue).toBeNull();
    expect(key.stop().close).toBeNull();
  });
});

describe("the user stream object's next wake", () => {
  it("is the earliest of the keepalive, the first relay key's expiry, the heartbeat and a reconnect", () => {
    const none = { keepaliveDue: null, firstKeyExpiresAt: null, heartbeatAt: null, retryAt: null };
    expect(nextUserWake(none)).toBeNull();
    expect(nextUserWake({ ...none, keepaliveDue: 50, firstKeyExpiresAt: 40 })).toBe(40);
    expect(nextUserWake({ ...none, keepaliveDue: 50, heartbeatAt: 30, retryAt: 35 })).toBe(30);
  });
});
