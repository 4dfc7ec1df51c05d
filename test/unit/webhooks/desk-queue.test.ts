// The order desk's queue: one drain at a time, the alarm as its backstop, and a step in flight holding the queue.
import { describe, expect, it } from "vitest";
import {
  IDLE,
  onAlertEnded,
  onQueueHead,
  requestDrain,
  TURN_ALARM_MS,
} from "../../../shared/webhooks/desk-queue.ts";

const NOW = 1_700_000_000_000;

describe("the desk's queue", () => {
  it("starts a drain when none runs, and lets a running one pick a new alert up", () => {
    const first = requestDrain(IDLE);
    expect(first).toEqual({ drain: { running: true }, start: true });
    expect(requestDrain(first.drain)).toEqual({ drain: { running: true }, start: false });
  });

  it("keeps draining later alerts after an alarm found the queue empty", () => {
    const alarm = requestDrain(IDLE);
    const empty = onQueueHead(alarm.drain, { waiting: false, now: NOW });
    expect(empty).toEqual({ drain: IDLE, move: { kind: "stop", alarmAt: null } });
    const later = requestDrain(empty.drain);
    expect(later.start).toBe(true);
    expect(onQueueHead(later.drain, { waiting: true, now: NOW + 1 }).move).toEqual({
      kind: "run",
      alarmAt: NOW + 1 + TURN_ALARM_MS,
    });
  });

  it("goes on to the next alert when one finished", () => {
    const drain = requestDrain(IDLE).drain;
    expect(onAlertEnded(drain, { kind: "finish" })).toEqual({ drain, move: { kind: "next" } });
  });

  it("stops, alarm set, while a step may be in flight: the alerts behind it wait their turn", () => {
    const drain = requestDrain(IDLE).drain;
    const held = onAlertEnded(drain, { kind: "wait", until: NOW + 30_000 });
    expect(held).toEqual({ drain: IDLE, move: { kind: "stop", alarmAt: NOW + 30_000 } });
    expect(requestDrain(held.drain).start).toBe(true);
  });
});
