// The order desk's queue: alerts are worked off one at a time, in arrival order, by one drain at a time. Accepting
// an alert and the alarm each ask for a drain; a drain already running picks the new alert up, since it looks at
// the queue's head again after every alert. The state changes synchronously, so a drain that found the queue empty
// is over at once and the next request starts a new one (an alarm on an empty queue never blocks later alerts).
// The alarm is the backstop that brings an evicted desk back: set shortly after each accepted alert, at each
// alert's turn, and for the time a step in flight settles.

/** The backstop alarm after an alert is accepted. */
export const ACCEPT_ALARM_MS = 5_000;
/** The backstop alarm when an alert's turn comes: should the desk stop mid-alert, it comes back to finish it. */
export const TURN_ALARM_MS = 30_000;

export interface Drain {
  readonly running: boolean;
}

export const IDLE: Drain = { running: false };

export type DrainMove =
  /** Run the alert at the queue's head, with the alarm set to `alarmAt` first. */
  | { readonly kind: "run"; readonly alarmAt: number }
  /** Look at the queue's head again. */
  | { readonly kind: "next" }
  /** The drain is over; set the alarm to `alarmAt` if given. */
  | { readonly kind: "stop"; readonly alarmAt: number | null };

/** An alert was accepted or the alarm rang: `start` a drain unless one is running (it picks the alert up). */
export function requestDrain(drain: Drain): { readonly drain: Drain; readonly start: boolean } {
  return drain.running ? { drain, start: false } : { drain: { running: true }, start: true };
}

/** The running drain looked at the queue: an unfinished alert is there (`waiting`), or the queue is empty. */
export function onQueueHead(
  drain: Drain,
  head: { readonly waiting: boolean; readonly now: number },
): { readonly drain: Drain; readonly move: DrainMove } {
  if (!head.waiting) return { drain: IDLE, move: { kind: "stop", alarmAt: null } };
  return { drain, move: { kind: "run", alarmAt: head.now + TURN_ALARM_MS } };
}

/** The head alert's run ended: finished (on to the next), or waiting for a step in flight until `until`. */
export function onAlertEnded(
  drain: Drain,
  ended: { readonly kind: "finish" } | { readonly kind: "wait"; readonly until: number },
): { readonly drain: Drain; readonly move: DrainMove } {
  // A step possibly in flight holds the queue: the alerts behind it wait for the alarm, in order.
  if (ended.kind === "wait") return { drain: IDLE, move: { kind: "stop", alarmAt: ended.until } };
  return { drain, move: { kind: "next" } };
}
