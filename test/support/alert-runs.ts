// Drives an alert through its status machine to a given point, for the machine's unit tests: its turn and the
// exchange read (planned), then its ids (sending); and Binance's answers as the desk reports them.
import { expect } from "vitest";
import { onExchangeRead, onPlanned, queuedReport, startAlert } from "../../shared/webhooks/alert-machine.ts";
import type { Transition } from "../../shared/webhooks/alert-transition.ts";
import { bodyOf, hookOf, T0, VIEW } from "./webhook-fixtures.ts";

/** When the test alerts' turn comes: a second after they fired. */
export const NOW = T0 + 1000;
export const OK = { kind: "ok", status: 200, body: '{"orderId":1}' } as const;

export function refused(code: number, msg: string) {
  return { kind: "refused", status: 400, body: JSON.stringify({ code, msg }), code } as const;
}

/** The transition's next action, checked to be of this kind (the report's reason shown if not). */
export function expectNext<K extends Transition["next"]["kind"]>(
  transition: Transition,
  kind: K,
): Extract<Transition["next"], { kind: K }> {
  expect(transition.next.kind, transition.report.reason ?? "").toBe(kind);
  return transition.next as Extract<Transition["next"], { kind: K }>;
}

/** The alert's turn, then the exchange read; the transition that asks for the steps' ids. */
export function planned(fields: Record<string, unknown>, hook = hookOf()) {
  const start = startAlert(queuedReport("tv", "a1", T0), { hook, body: bodyOf(fields), now: NOW });
  const alert = expectNext(start, "read-exchange").alert;
  const read = onExchangeRead(start.report, { hook, alert, view: VIEW, opened: [], now: NOW });
  return { read, steps: expectNext(read, "derive-ids").steps, alert };
}

/** Planned and named ("wh-<index>"): ready to send its first step. */
export function sending(fields: Record<string, unknown>, hook = hookOf()): Transition {
  const { read, steps } = planned(fields, hook);
  const ids = steps.map((_, index) => `wh-${index}`);
  return onPlanned(read.report, { hook, steps, clientIds: ids, now: NOW });
}
