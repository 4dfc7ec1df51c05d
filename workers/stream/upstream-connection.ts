// Moved to shared/streams/control-queue.ts (this step only re-exports it).
export * from "../../shared/streams/control-queue.ts";
