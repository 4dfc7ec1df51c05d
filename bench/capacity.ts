// The capacity rows of `npm run bench`: at each load (K clients on one stream, R events/s), the runtime's ceiling
// (bench/ceiling, a minimal Durable Object fan-out in its own local runtime), the relay and the Node relay, measured
// one after another with the same client harness, then a new client's admission under the same load on each.

import type { FakeExchange } from "../test/fake-exchange/index.ts";
import { CLIENTS } from "../test/support/credentials.ts";
import { workerdProcesses } from "../test/support/runtime-probe.ts";
import { startWorkerProcess } from "../test/support/worker-process.ts";
import { type AdmissionOptions, measureAdmission } from "./admission.ts";
import type { CapacityRow } from "./capacity-table.ts";
import { measureFanout } from "./fanout.ts";
import { withRss } from "./memory.ts";
import { compareRelays, STREAM, waitForUpstreamIdle, withNodeRelay } from "./relay.ts";

export interface CapacityOptions {
  readonly loads: readonly (readonly [clients: number, perSecond: number])[];
  readonly durationMs: number;
  /** New clients timed per load and target. */
  readonly samples: number;
  readonly admissionTimeoutMs: number;
}

export async function measureCapacity(
  fake: FakeExchange,
  relayWsUrl: string,
  options: CapacityOptions,
): Promise<CapacityRow[]> {
  const product = new Set(workerdProcesses());
  const ceiling = await startWorkerProcess({
    fake,
    config: new URL("./ceiling/wrangler.toml", import.meta.url).pathname,
    vars: { UPSTREAM_URL: `${fake.wsUrl}/market/stream`, STREAM },
  });
  const ceilingRuntime = new Set(workerdProcesses().filter((pid) => !product.has(pid)));
  const relayUrl = `${relayWsUrl}/k/${CLIENTS.hook.token}/ws/${STREAM}`;
  const rows: CapacityRow[] = [];
  try {
    for (const [clients, perSecond] of options.loads) {
      const admission: AdmissionOptions = {
        clients,
        perSecond,
        samples: options.samples,
        timeoutMs: options.admissionTimeoutMs,
      };
      const admit = (url: string) => measureAdmission(fake, url, STREAM, admission);
      // Each phase starts once the previous one's upstream has closed (the relay closes its idle upstream at its
      // next watchdog tick, seconds later). Leaving out the product's runtime measures the ceiling's, and back.
      const top = await withRss(product, () =>
        measureFanout(fake, ceiling.directWsUrl, STREAM, clients, perSecond, options.durationMs),
      );
      await waitForUpstreamIdle(fake);
      const ceilingAdmission = await admit(ceiling.directWsUrl);
      await waitForUpstreamIdle(fake);
      const pair = await withRss(ceilingRuntime, () =>
        compareRelays(fake, relayWsUrl, [[clients, perSecond]], options.durationMs),
      );
      const [compared] = pair.result;
      if (compared === undefined) throw new Error("compareRelays returned no row");
      const nodeAdmission = await withNodeRelay(fake, admit);
      await waitForUpstreamIdle(fake);
      const relayAdmission = await admit(relayUrl);
      await waitForUpstreamIdle(fake);
      const load = { clients, perSecond };
      rows.push(
        { ...load, target: "ceiling", fanout: top.result, rss: top.rss, admission: ceilingAdmission },
        { ...load, target: "relay", fanout: compared.relay, rss: pair.rss, admission: relayAdmission },
        { ...load, target: "Node", fanout: compared.node, rss: null, admission: nodeAdmission },
      );
    }
  } finally {
    await ceiling.close();
  }
  return rows;
}
