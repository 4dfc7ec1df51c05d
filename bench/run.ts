// `npm run bench`: the gateway's overhead on signed order requests and the relay's fan-out, each side by side in
// one run with a baseline (direct calls to the exchange; a plain Node `ws` relay), plus signing throughput.
// The Worker runs in wrangler's local runtime (workerd), reached at its own entry, without `wrangler dev`'s
// proxy. Timings on a shared 2-core machine are noisy: read the ratios, not the absolute numbers.
// Options: --rounds N (REST, default 3) --requests N (per REST round and row, default 400) --concurrency N
// (default 8) --relay-seconds N (per relay measurement, default 3) --skip-relay --alerts N (webhooks, default 100)
// --skip-hooks; capacity rows (ceiling, relay, Node relay, memory, admission): --clients 10,100,500 (--big adds 1000)
// --rate N (events/s, default 200) --admission-samples N (default 5) --skip-capacity

import { parseArgs } from "node:util";
import { startFakeExchange } from "../test/fake-exchange/index.ts";
import { testWebhooks } from "../test/support/test-webhooks.ts";
import { startWorkerProcess } from "../test/support/worker-process.ts";
import { measureCapacity } from "./capacity.ts";
import { formatCapacity } from "./capacity-table.ts";
import { timeHooks } from "./hooks.ts";
import { BENCH_BATCH_MS, compareRelays } from "./relay.ts";
import { scenarios, sideBySide } from "./rest.ts";
import { SIGNING_CASES, signaturesPerSecond } from "./signing.ts";
import { formatRow, type Summary } from "./stats.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "400" },
    concurrency: { type: "string", default: "8" },
    "relay-seconds": { type: "string", default: "3" },
    "skip-relay": { type: "boolean", default: false },
    "skip-hooks": { type: "boolean", default: false },
    alerts: { type: "string", default: "100" },
    clients: { type: "string", default: "10,100,500" },
    big: { type: "boolean", default: false },
    rate: { type: "string", default: "200" },
    "admission-samples": { type: "string", default: "5" },
    "skip-capacity": { type: "boolean", default: false },
  },
});
const ratio = (a: number, b: number) => (a / b).toFixed(2);

const fake = await startFakeExchange();
const worker = await startWorkerProcess({
  fake,
  vars: {
    RELAY_IDLE_CLOSE_MS: "0",
    WEBHOOKS: JSON.stringify(testWebhooks(fake.url)),
    // The runs spend more request weight a minute than Binance's 2400: the budgets would refuse them.
    WEIGHT_LIMIT_PER_MINUTE: "1000000",
    // --big runs 1000 clients plus the admitted ones, all one caller's.
    RELAY_MAX_CLIENTS_PER_CALLER: "2000",
  },
});
try {
  const rounds = Number(values.rounds);
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const all = scenarios(worker.directUrl, worker.fake.url);
  await sideBySide(all, 1, 100, concurrency);
  const [direct, through, unsigned, floor] = (await sideBySide(all, rounds, requests, concurrency)) as [
    Summary,
    Summary,
    Summary,
    Summary,
  ];
  console.log(`\nREST, ${concurrency} concurrent, ${rounds} rounds x ${requests} per row`);
  console.log(`${"".padEnd(28)}${"req/s".padStart(10)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}`);
  for (const [label, summary] of all.map(
    (s, i) => [s.label, [direct, through, unsigned, floor][i]] as const,
  )) {
    if (summary !== undefined) console.log(formatRow(label, summary));
  }
  console.log(
    `gateway/direct for signed orders: throughput ${ratio(through.perSecond, direct.perSecond)}x, ` +
      `p50 ${ratio(through.p50, direct.p50)}x (+${(through.p50 - direct.p50).toFixed(2)} ms), p99 ${ratio(through.p99, direct.p99)}x`,
  );
  console.log(
    `verify + re-sign + order handling (signed order minus unsigned GET): p50 +${(through.p50 - unsigned.p50).toFixed(2)} ms`,
  );
  console.log(
    `signed order/no-op floor: throughput ${ratio(through.perSecond, floor.perSecond)}x (goal >= 0.8), ` +
      `p50 +${(through.p50 - floor.p50).toFixed(2)} ms (goal <= 3)`,
  );

  if (!values["skip-relay"]) {
    const loads = [
      [10, 200],
      [100, 200],
      [500, 200],
      [100, 1000],
      [500, 300],
    ] as const;
    const rows = await compareRelays(
      worker.fake,
      worker.directWsUrl,
      loads,
      Number(values["relay-seconds"]) * 1000,
    );
    console.log(
      "\nRelay fan-out: K clients on one stream at R events/s (deliveries/s, and publish-to-client latency)",
    );
    console.log(
      `${"K x R".padEnd(12)}${"expected/s".padStart(11)}${"DO relay/s".padStart(12)}${"p50".padStart(7)}${"p99".padStart(7)}${"Node/s".padStart(10)}${"p50".padStart(7)}${"p99".padStart(7)}${"DO/Node".padStart(9)}`,
    );
    for (const row of rows) {
      console.log(
        `${`${row.clients} x ${row.perSecond}`.padEnd(12)}${String(row.relay.expectedPerSecond).padStart(11)}` +
          `${row.relay.perSecond.toFixed(0).padStart(12)}${row.relay.p50.toFixed(0).padStart(7)}${row.relay.p99.toFixed(0).padStart(7)}` +
          `${row.node.perSecond.toFixed(0).padStart(10)}${row.node.p50.toFixed(0).padStart(7)}${row.node.p99.toFixed(0).padStart(7)}` +
          `${ratio(row.relay.perSecond, row.node.perSecond).padStart(9)}`,
      );
    }
    console.log(`\nRelay, batched (?batch=${BENCH_BATCH_MS}): messages/s, not frames; latency per message`);
    for (const { clients, perSecond, batched: b, node } of rows)
      console.log(
        `${`${clients} x ${perSecond}`.padEnd(12)}${b.perSecond.toFixed(0).padStart(11)}/s  p50 ${b.p50.toFixed(0)}` +
          ` p99 ${b.p99.toFixed(0)} ms  batched/Node ${ratio(b.perSecond, node.perSecond)}`,
      );
  }
  if (!values["skip-capacity"]) {
    const clients = [...values.clients.split(",").map(Number), ...(values.big ? [1000] : [])];
    const capacity = await measureCapacity(worker.fake, worker.directWsUrl, {
      loads: clients.map((k) => [k, Number(values.rate)] as const),
      durationMs: Number(values["relay-seconds"]) * 1000,
      samples: Number(values["admission-samples"]),
      admissionTimeoutMs: 10_000,
    });
    console.log(
      "\nCapacity: K clients x R events/s; deliveries/s and latency (ms), share of the ceiling's and Node's",
    );
    console.log(
      "deliveries, workerd RSS across the row, a new client's 101 and first event under the load (ms)",
    );
    for (const line of formatCapacity(capacity)) console.log(line);
  }
  if (!values["skip-hooks"]) {
    const hooks = await timeHooks(worker.directUrl, Number(values.alerts));
    console.log(
      `\nWebhooks: ${values.alerts} alerts one after another (ms; TradingView gives up after 3000)`,
    );
    console.log(`${"".padEnd(28)}${"p50 ms".padStart(10)}${"p99 ms".padStart(10)}`);
    for (const [label, s] of [
      ["alert answered (202)", hooks.accepted],
      ["alert's order placed", hooks.placed],
      ["same order via REST", hooks.restOrder],
    ] as const)
      console.log(`${label.padEnd(28)}${s.p50.toFixed(2).padStart(10)}${s.p99.toFixed(2).padStart(10)}`);
  }
} finally {
  await worker.close();
  await fake.close();
}

console.log("\nSignatures per second, cached keys, the gateway's WebCrypto signer (in Node)");
for (const [label, credential] of SIGNING_CASES) {
  console.log(`${label.padEnd(28)}${(await signaturesPerSecond(credential, 1500)).toFixed(0).padStart(10)}`);
}
