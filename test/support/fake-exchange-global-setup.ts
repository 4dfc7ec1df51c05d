// Starts one fake exchange for the workers project (workerd cannot start servers) and hands its URL to the
// Worker's bindings through vitest's provide/inject. Stopped when the project's run ends.

import type { TestProject } from "vitest/node";
import { startFakeExchange } from "../fake-exchange/index.ts";
import { FAKE_EXCHANGE_KEYS } from "./credentials.ts";
import "./provided-context.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeExchange();
  for (const key of FAKE_EXCHANGE_KEYS) fake.registerKey({ ...key });
  project.provide("fakeExchangeUrl", fake.url);
  return () => fake.close();
}
