// Batched frames (shared/streams/frame-batches.ts): what each client holds, when it is due, and the frame joined.

import { describe, expect, it } from "vitest";
import { parseClientMessage } from "../../../shared/streams/client-protocol.ts";
import { FrameBatches, readBatchWindow, splitBatch } from "../../../shared/streams/frame-batches.ts";

describe("frame batches", () => {
  it("joins a client's messages with newlines in the order they came, and the split gives them back", () => {
    const batches = new FrameBatches<string>();
    const messages = [
      '{"e":"aggTrade","a":1}',
      '{"result":null,"id":7}',
      '{"relay":"stale","streams":["x"]}',
    ];
    for (const message of messages) batches.add("a", 10, message, 1000);
    expect(batches.held("a")).toBe(messages.join("\n").length);
    const frame = batches.take("a");
    expect(frame).toBe(messages.join("\n"));
    expect(splitBatch(frame ?? "")).toEqual(messages);
    expect(batches.take("a")).toBeNull();
    expect(batches.held("a")).toBe(0);
  });

  it("makes a client due its window after its first held message, not after its latest", () => {
    const batches = new FrameBatches<string>();
    expect(batches.add("a", 10, "1", 1000)).toBe(1010);
    expect(batches.add("b", 5, "1", 1003)).toBe(1008);
    expect(batches.add("a", 10, "2", 1009)).toBeNull();
    expect(batches.nextDue()).toBe(1008);
    expect(batches.due(1007)).toEqual([]);
    expect(batches.due(1008)).toEqual(["b"]);
    expect(batches.due(1010)).toEqual(["a", "b"]);
    batches.take("a");
    batches.add("a", 10, "3", 1011);
    expect(batches.nextDue()).toBe(1008);
    batches.drop("b");
    expect(batches.nextDue()).toBe(1021);
    expect(batches.size).toBe(1);
    batches.take("a");
    expect(batches.nextDue()).toBeNull();
  });

  it("reads ?batch= as off, 1 to 100 ms, or invalid", () => {
    expect(readBatchWindow(null)).toBeNull();
    expect(readBatchWindow("0")).toBe(0);
    expect(readBatchWindow("1")).toBe(1);
    expect(readBatchWindow("100")).toBe(100);
    for (const bad of ["101", "-1", "5.5", "", "abc", "1e2", "0100"])
      expect(readBatchWindow(bad)).toBeUndefined();
  });
});

describe("the batch property", () => {
  it("is set with a window in ms and read with GET_PROPERTY", () => {
    expect(parseClientMessage('{"method":"SET_PROPERTY","params":["batch",20],"id":3}')).toEqual({
      ok: true,
      value: { kind: "set-property", id: "3", property: "batch", value: 20 },
    });
    expect(parseClientMessage('{"method":"SET_PROPERTY","params":["batch",0],"id":4}')).toMatchObject({
      ok: true,
      value: { value: 0 },
    });
    expect(parseClientMessage('{"method":"GET_PROPERTY","params":["batch"],"id":5}')).toEqual({
      ok: true,
      value: { kind: "get-property", id: "5", property: "batch" },
    });
  });

  it("refuses a window that is not 0 or 1 to 100 ms", () => {
    for (const bad of ["101", "true", '"10"', "2.5"])
      expect(parseClientMessage(`{"method":"SET_PROPERTY","params":["batch",${bad}],"id":6}`)).toEqual({
        ok: false,
        error: { code: 1, msg: "Invalid value type: expected 0 or 1 to 100 (ms)", id: "6" },
      });
  });
});
