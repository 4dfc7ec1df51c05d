// Moved to shared/streams/upstream-lanes.ts (this step only re-exports it).
export * from "../../shared/streams/upstream-lanes.ts";
