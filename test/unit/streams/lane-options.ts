// The lane machine's options in the unit tests: small numbers, so back-offs, probes and renewals come quickly.
import type { LanesOptions } from "../../../shared/streams/upstream-lane-actions.ts";

export const LANE_OPTIONS: LanesOptions = {
  redundancy: 2,
  maxStreamsPerUpstream: 3,
  maxConnectionMs: 60_000,
  idleCloseMs: 5000,
  probeMs: 30_000,
  staleMs: 10_000,
  silenceMs: 60_000,
  pathOf: (stream) => (stream.includes("@depth") ? "/public/stream" : "/market/stream"),
  noticeStalls: true,
};
