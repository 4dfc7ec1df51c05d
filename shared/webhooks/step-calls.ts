// The Binance calls of a recorded step: the step itself, sent with its deterministic client order (or algo) id,
// and the look-up of that id for a step that was in flight when the desk stopped.

import type { HttpMethod } from "../catalog/types.ts";
import type { Param } from "../encoding/query.ts";
import type { AlertReport, StepReport } from "./report.ts";

export interface StepCall {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params: readonly Param[];
}

/** Step `index` of the report; a missing one is a bug in the caller, not bad input. */
export function stepAt(report: AlertReport, index: number): StepReport {
  const step = report.steps[index];
  if (step === undefined) throw new Error(`alert ${report.id} has no step ${index}`);
  return step;
}

/** The step's own call, with its client order id (algo orders name it clientAlgoId). */
export function sendCall(step: StepReport): StepCall {
  const params: Param[] = [...step.params];
  const id = step.clientOrderId;
  if (id !== null) params.push([isAlgo(step) ? "clientAlgoId" : "newClientOrderId", id]);
  return { method: step.method === "DELETE" ? "DELETE" : "POST", path: step.path, params };
}

/** The query that finds the step's order by its client order id (null: the step places no order). */
export function lookupCall(step: StepReport): StepCall | null {
  const id = step.clientOrderId;
  if (id === null) return null;
  if (isAlgo(step)) return { method: "GET", path: step.path, params: [["clientAlgoId", id]] };
  const symbol = step.params.find(([name]) => name === "symbol")?.[1] ?? "";
  return {
    method: "GET",
    path: step.path,
    params: [
      ["symbol", symbol],
      ["origClientOrderId", id],
    ],
  };
}

function isAlgo(step: StepReport): boolean {
  return step.path.endsWith("/algoOrder");
}
