import { describe, expect, it } from "vitest";
import {
  type AttemptResult,
  type AttemptState,
  type CallShape,
  firstAttempt,
  nextStep,
} from "../../../shared/rest/call-policy.ts";

const NOW = 1_700_000_000_000;
const REPLY = "binance's reply";

const read: CallShape = { method: "GET", security: "API_KEY", reconcilable: false };
const signedRead: CallShape = { method: "GET", security: "SIGNED", reconcilable: false };
const order: CallShape = { method: "POST", security: "SIGNED", reconcilable: true };
const cancel: CallShape = { method: "DELETE", security: "SIGNED", reconcilable: false };

const noAnswer = (cause: "timeout" | "network" = "timeout"): AttemptResult<string> => ({
  kind: "no-answer",
  cause,
});
const answer = (status: number, body = "", retryAfter: string | null = null): AttemptResult<string> => ({
  kind: "answer",
  status,
  retryAfter,
  body,
  reply: REPLY,
});

function step(call: CallShape, result: AttemptResult<string>, state?: AttemptState, random = 0.5) {
  return nextStep({ call, state: state ?? firstAttempt(call, 2), result, now: NOW, random });
}

const spent = (state: AttemptState): AttemptState => ({ ...state, retriesLeft: 0, timestampRetry: false });
const UNKNOWN_503 = '{"code":-1007,"msg":"Timeout waiting for response from backend server."}';
const INTERNAL_500 =
  '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}';

describe("the first attempt", () => {
  it("gives reads the configured retries and writes none", () => {
    expect(firstAttempt(read, 3)).toEqual({ attempt: 1, retriesLeft: 3, timestampRetry: false });
    expect(firstAttempt(order, 3)).toEqual({ attempt: 1, retriesLeft: 0, timestampRetry: true });
  });

  it("allows one timestamp retry to signed calls only", () => {
    expect(firstAttempt(signedRead, 0).timestampRetry).toBe(true);
    expect(firstAttempt({ ...read, security: "NONE" }, 0).timestampRetry).toBe(false);
  });
});

describe("after an attempt nobody answered", () => {
  it("retries a read after a jittered exponential delay while retries are left", () => {
    const first = step(read, noAnswer(), undefined, 0);
    expect(first).toEqual({
      kind: "retry",
      delayMs: 100,
      next: { attempt: 2, retriesLeft: 1, timestampRetry: false },
    });
    if (first.kind !== "retry") throw new Error("expected a retry");
    expect(step(read, noAnswer(), first.next, 1)).toEqual({
      kind: "retry",
      delayMs: 400,
      next: { attempt: 3, retriesLeft: 0, timestampRetry: false },
    });
  });

  it("fails a read with its cause once the retries are spent", () => {
    const state = spent(firstAttempt(read, 2));
    expect(step(read, noAnswer("network"), state)).toEqual({
      kind: "fail",
      reason: { kind: "upstream-unreachable", cause: "network" },
    });
  });

  it("reconciles an order, never sending it again", () => {
    expect(step(order, noAnswer())).toEqual({ kind: "reconcile" });
  });

  it("reports another write's fate as unknown (-1007)", () => {
    expect(step(cancel, noAnswer())).toEqual({ kind: "fail", reason: { kind: "upstream-timeout" } });
  });
});

describe("after Binance answered", () => {
  it("passes successes and ordinary errors on", () => {
    expect(step(order, answer(200))).toEqual({ kind: "answer", reply: REPLY, ban: null });
    expect(step(order, answer(400, '{"code":-2019,"msg":"Margin is insufficient."}'))).toEqual({
      kind: "answer",
      reply: REPLY,
      ban: null,
    });
  });

  it("explains a restricted location and a block instead of passing them on", () => {
    expect(step(read, answer(451, '{"code":0,"msg":"restricted location"}'))).toEqual({
      kind: "fail",
      reason: { kind: "upstream-restricted-location", status: 451 },
    });
    expect(step(read, answer(403, "<html>403</html>"))).toEqual({
      kind: "fail",
      reason: { kind: "upstream-blocked", status: 403 },
    });
    expect(step(read, answer(302))).toEqual({
      kind: "fail",
      reason: { kind: "upstream-blocked", status: 302 },
    });
  });

  it("records the back-off of a 429 or 418 and passes Binance's answer on, without retrying", () => {
    expect(step(read, answer(429, '{"code":-1003,"msg":"Too many requests"}', "7"))).toEqual({
      kind: "answer",
      reply: REPLY,
      ban: { status: 429, code: -1003, until: NOW + 7000 },
    });
    expect(step(order, answer(418, '{"code":-1003,"msg":"banned until 1700000300000"}'))).toEqual({
      kind: "answer",
      reply: REPLY,
      ban: { status: 418, code: -1003, until: 1_700_000_300_000 },
    });
  });

  it("resynchronises the clock once after -1021, then passes the next -1021 on", () => {
    const rejected = answer(
      400,
      '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}',
    );
    const first = step(order, rejected);
    expect(first).toEqual({
      kind: "resync-clock",
      next: { attempt: 2, retriesLeft: 0, timestampRetry: false },
    });
    if (first.kind !== "resync-clock") throw new Error("expected a resync");
    expect(step(order, rejected, first.next)).toEqual({ kind: "answer", reply: REPLY, ban: null });
  });

  it("retries a read after a 5xx, then passes the last 5xx on", () => {
    expect(step(read, answer(503, UNKNOWN_503)).kind).toBe("retry");
    expect(step(read, answer(500, INTERNAL_500)).kind).toBe("retry");
    const state = spent(firstAttempt(read, 2));
    expect(step(read, answer(503, UNKNOWN_503), state)).toEqual({ kind: "answer", reply: REPLY, ban: null });
  });

  it("reconciles an order whose execution status is unknown", () => {
    expect(step(order, answer(503, UNKNOWN_503))).toEqual({ kind: "reconcile" });
    expect(step(order, answer(502, "<html>Bad gateway</html>"))).toEqual({ kind: "reconcile" });
    expect(step(order, answer(408, ""))).toEqual({ kind: "reconcile" });
  });

  it("passes a documented 5xx failure of an order on: it was not executed", () => {
    expect(step(order, answer(500, INTERNAL_500))).toEqual({ kind: "answer", reply: REPLY, ban: null });
  });

  it("passes an unknown status on for a write it cannot look up", () => {
    expect(step(cancel, answer(503, UNKNOWN_503))).toEqual({ kind: "answer", reply: REPLY, ban: null });
  });
});
