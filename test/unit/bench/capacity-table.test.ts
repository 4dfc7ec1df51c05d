// The benchmark's capacity table: each row's share of the ceiling's and the Node relay's deliveries at the same
// load, and the admission cells (median and maximum, a timeout marked).
import { describe, expect, it } from "vitest";
import { spread } from "../../../bench/admission.ts";
import { type CapacityRow, formatCapacity, type Target } from "../../../bench/capacity-table.ts";

function row(clients: number, target: Target, perSecond: number, firstEventMax = 9): CapacityRow {
  return {
    clients,
    perSecond: 200,
    target,
    fanout: { count: 1, perSecond, p50: 1, p99: 2, expectedPerSecond: clients * 200 },
    rss: target === "Node" ? null : { before: 100, peak: 150, after: 120 },
    admission: {
      upgrade: { p50: 3, max: 5 },
      firstEvent: { p50: 4, max: firstEventMax },
      timeoutMs: 10_000,
    },
  };
}

const cells = (line: string | undefined) => line?.trim().split(/\s+/) ?? [];

describe("formatCapacity", () => {
  const lines = formatCapacity([
    row(10, "ceiling", 2000),
    row(10, "relay", 1800),
    row(10, "Node", 2000),
    row(500, "ceiling", 20_000),
    row(500, "relay", 10_000, 10_000),
    row(500, "Node", 80_000),
  ]);

  it("gives every row its share of the ceiling's and the Node relay's deliveries at its own load", () => {
    expect(cells(lines[2]).slice(8, 10)).toEqual(["0.90", "0.90"]);
    expect(cells(lines[5]).slice(8, 10)).toEqual(["0.50", "0.13"]);
    expect(cells(lines[4]).slice(8, 10)).toEqual(["1.00", "0.25"]);
  });

  it("prints the runtime's memory across the row, and none for the Node relay", () => {
    expect(cells(lines[2])[10]).toBe("100/150/120");
    expect(cells(lines[3])[10]).toBe("-");
  });

  it("marks an admission figure that reached the timeout", () => {
    expect(cells(lines[5]).slice(11)).toEqual(["3/5", "4/>10000"]);
    expect(cells(lines[2]).slice(11)).toEqual(["3/5", "4/9"]);
  });
});

describe("spread", () => {
  it("takes the lower median and the maximum of a few samples", () => {
    expect(spread([9, 1, 5, 3])).toEqual({ p50: 3, max: 9 });
    expect(spread([7, 2, 4])).toEqual({ p50: 4, max: 7 });
  });
});
