// The market page in headless Chromium (Debian's /usr/bin/chromium through playwright-core), served by the Worker
// against the fake exchange's simulated market: the chart and the order book follow live data, a dropped
// upstream shows the gap indicator and recovers, the account panel shows positions and live order events, and a
// screenshot is kept in test-artifacts/.
import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT = new URL("../../test-artifacts/market-page.png", import.meta.url).pathname;

let fake: FakeExchange;
let worker: WorkerProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fake = await startFakeExchange({ simulate: { seed: 7 } });
  worker = await startWorkerProcess({ fake, vars: { RELAY_PUBLIC: "true", RELAY_UPSTREAM_REDUNDANCY: "1" } });
  // The account the page's token acts for holds a long, so the account panel has a position to show.
  fake.setAccount({
    apiKey: REAL_KEYS.hmac.apiKey,
    market: "um",
    positions: [{ symbol: "BTCUSDT", positionAmt: "0.050", entryPrice: "59000" }],
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on("pageerror", (error) => console.error("page error:", error.message));
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await fake?.close();
});

/** A BTCUSDT limit buy through the gateway with the page's token; the HTTP status. */
async function placeLimitBuy(quantity: string, price: string): Promise<number> {
  const response = await fetch(`${worker.url}/fapi/v1/order`, {
    method: "POST",
    headers: { Authorization: `Bearer ${CLIENTS.hook.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity,
      price,
    }),
  });
  return response.status;
}

const attribute = (selector: string, name: string) =>
  page
    .locator(selector)
    .getAttribute(name)
    .then((value) => Number(value ?? "0"));

describe("the market page", () => {
  it("charts live data, keeps a synced order book, shows a gap and recovers", async () => {
    await page.goto(`${worker.url}/#token=${CLIENTS.hook.token}`);
    await page.waitForFunction(() => document.body.dataset.status === "open", undefined, { timeout: 20_000 });
    // History from REST, then live candles and trades from the relay.
    await page.waitForFunction(
      () => Number(document.querySelector("#chart")?.getAttribute("data-candles")) > 30,
    );
    await page.waitForFunction(
      () => Number(document.querySelector("#trades")?.getAttribute("data-count")) >= 5,
    );
    await page.waitForFunction(() => document.querySelector("#book-state")?.textContent === "live");
    const firstPrice = await page.locator("#last-price").textContent();
    const bookUpdates = await attribute("#bids", "data-updates");
    await page.waitForFunction(
      (before) => document.querySelector("#last-price")?.textContent !== before,
      firstPrice,
      { timeout: 10_000 },
    );
    await page.waitForFunction(
      (before) => Number(document.querySelector("#bids")?.getAttribute("data-updates")) > before + 5,
      bookUpdates,
    );
    expect(await page.locator("#bids tr").count()).toBeGreaterThanOrEqual(10);
    expect(await page.locator("#asks tr").count()).toBeGreaterThanOrEqual(10);
    // The best bid is below the best ask: the book the page rebuilt from snapshot and diffs is consistent.
    const bestBid = Number(await page.locator("#bids tr:first-child td:first-child").textContent());
    const bestAsk = Number(await page.locator("#asks tr:last-child td:first-child").textContent());
    expect(bestBid).toBeLessThan(bestAsk);

    // Every upstream connection of the relay drops: the page shows the gap, then the relay recovers it.
    const trades = await attribute("#trades", "data-count");
    expect(fake.streams.drop({})).toBeGreaterThan(0);
    await page.waitForFunction(() => document.body.dataset.gap === "open", undefined, { timeout: 10_000 });
    await page.waitForFunction(() => document.body.dataset.gap === "recovered", undefined, {
      timeout: 20_000,
    });
    await page.waitForFunction(
      (before) => Number(document.querySelector("#trades")?.getAttribute("data-count")) > before + 3,
      trades,
    );
    await page.waitForFunction(() => document.querySelector("#book-state")?.textContent === "live");
  });

  it("shows the account's positions and live order events", async () => {
    await page.waitForSelector("#account:not([hidden])");
    await page.waitForFunction(() => document.querySelectorAll("#positions tr").length >= 1);
    expect(await placeLimitBuy("0.010", "50000")).toBe(200);
    await page.waitForFunction(
      () => document.querySelector("#events")?.textContent?.includes("ORDER_TRADE_UPDATE"),
      undefined,
      {
        timeout: 10_000,
      },
    );
    await page.waitForFunction(() => document.querySelectorAll("#orders tr").length >= 1);
    await mkdir(new URL("../../test-artifacts/", import.meta.url).pathname, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Switching symbols keeps the account's user data stream: a later order still shows up.
    await page.selectOption("#symbol", "um:ETHUSDT");
    await page.waitForFunction(
      () => Number(document.querySelector("#trades")?.getAttribute("data-count")) >= 2,
    );
    await page.selectOption("#symbol", "um:BTCUSDT");
    expect(await placeLimitBuy("0.020", "51000")).toBe(200);
    await page.waitForFunction(
      () => document.querySelector("#events")?.textContent?.includes("0.020 @ 51000"),
      undefined,
      {
        timeout: 10_000,
      },
    );
    // The listen key is a credential: it is never written on the page.
    expect(await page.locator("body").textContent()).not.toMatch(/[A-Za-z0-9]{64}/);
  });

  it("serves the page with a content security policy and keeps the token out of storage that outlives the tab", async () => {
    const response = await fetch(`${worker.url}/`);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    // The page talks to its own origin only ('self' covers ws: and wss: to the same host).
    expect(policy).toContain("connect-src 'self';");
    const violation = await page.evaluate(
      (elsewhere) =>
        new Promise<string>((resolve) => {
          document.addEventListener("securitypolicyviolation", (event) => resolve(event.effectiveDirective), {
            once: true,
          });
          try {
            new WebSocket(elsewhere).close();
          } catch {
            // Some browsers throw as well as reporting.
          }
          setTimeout(() => resolve("no violation"), 3000);
        }),
      worker.wsUrl.replace("127.0.0.1", "localhost"),
    );
    expect(violation).toBe("connect-src");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 1]);
    expect(page.url()).not.toContain("token");
  });

  it("shows no account panel to a token that may open a user data stream but not read the account", async () => {
    await page.fill("#token", CLIENTS.watcher.token);
    await page.click("#token-form button");
    await page.waitForFunction(() =>
      document.querySelector("#log")?.textContent?.includes("account panel off"),
    );
    expect(await page.locator("#account").isHidden()).toBe(true);
    await page.waitForFunction(() => document.body.dataset.status === "open", undefined, { timeout: 20_000 });
  });
});
