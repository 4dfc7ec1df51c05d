// `npm run bench`: gateway overhead on signed order requests, side by side with direct calls in one run, and
// signing throughput with cached keys. Timings on a shared machine are noisy: read the ratios.
// Options: --rounds N (default 3) --requests N per round and scenario (default 400) --concurrency N (default 8).

import { parseArgs } from "node:util";
import { startGateway } from "../test/support/gateway-harness.ts";
import { scenarios, sideBySide } from "./rest.ts";
import { SIGNING_CASES, signaturesPerSecond } from "./signing.ts";
import { formatRow, type Summary } from "./stats.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "400" },
    concurrency: { type: "string", default: "8" },
  },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);

const gateway = await startGateway({ vars: { LOG_LEVEL: "error" } });
try {
  const all = scenarios(gateway.url, gateway.fake.url);
  await sideBySide(all, 1, 100, concurrency);
  const [direct, through, unsigned, floor] = (await sideBySide(all, rounds, requests, concurrency)) as [
    Summary,
    Summary,
    Summary,
    Summary,
  ];
  console.log(
    `\nREST through the gateway (wrangler's local runtime), ${concurrency} concurrent, ${rounds} rounds x ${requests} per row`,
  );
  console.log(`${"".padEnd(28)}${"req/s".padStart(10)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}`);
  for (const [label, summary] of all.map(
    (s, i) => [s.label, [direct, through, unsigned, floor][i]] as const,
  )) {
    if (summary !== undefined) console.log(formatRow(label, summary));
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  console.log(
    `\ngateway/direct for signed orders: throughput ${ratio(through.perSecond, direct.perSecond)}x, ` +
      `p50 ${ratio(through.p50, direct.p50)}x (+${(through.p50 - direct.p50).toFixed(2)} ms), p99 ${ratio(through.p99, direct.p99)}x`,
  );
  console.log(
    `signed order vs unsigned GET through the gateway (verify + re-sign + order handling): p50 +${(through.p50 - unsigned.p50).toFixed(2)} ms`,
  );
  console.log(
    `local runtime floor (a route that does nothing) is ${floor.p50.toFixed(2)} ms p50 of the gateway's ${through.p50.toFixed(2)} ms`,
  );
} finally {
  await gateway.close();
}

console.log("\nSignatures per second, cached keys, the gateway's WebCrypto signer (in Node)");
for (const [label, credential] of SIGNING_CASES) {
  console.log(`${label.padEnd(28)}${(await signaturesPerSecond(credential, 1500)).toFixed(0).padStart(10)}`);
}
