// Resident memory of a local workerd runtime around one benchmark phase: before, the peak sampled while the phase
// runs, and after it. The runtime is told apart from the run's other workerd processes by leaving those out.

import { rssMb } from "../test/support/runtime-probe.ts";

export interface RssSpan {
  readonly before: number;
  readonly peak: number;
  readonly after: number;
}

export async function withRss<T>(
  others: ReadonlySet<number>,
  phase: () => Promise<T>,
  everyMs = 100,
): Promise<{ result: T; rss: RssSpan }> {
  const before = rssMb(others);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(others));
  }, everyMs);
  try {
    const result = await phase();
    const after = rssMb(others);
    return { result, rss: { before, peak: Math.max(peak, after), after } };
  } finally {
    clearInterval(sampler);
  }
}
