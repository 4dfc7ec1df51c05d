// The account panel, shown only when the token has the read and stream scopes (both are tried before the panel
// appears): positions and open orders from REST, and live order events from the account's user data stream,
// through a relay listen key on the page's relay socket. After a gap on that key (or an event that changes
// them) positions and orders are fetched again.

import type { createRestClient, StreamClient } from "../client/index.ts";
import { element, fillTable, log, throttle } from "./dom.ts";

type Rest = ReturnType<typeof createRestClient>;
type Market = "um" | "cm";

const KEEPALIVE_MS = 30 * 60_000;

export async function openAccount(rest: Rest, market: Market, client: StreamClient): Promise<() => void> {
  const panel = element("#account");
  const api = rest[market];
  let listenKey: string;
  try {
    // The read scope first: a token that may open a user data stream but not read the account sees no panel.
    await load(rest, market);
    listenKey = ((await api.startUserDataStream()).data as { listenKey: string }).listenKey;
  } catch (error) {
    panel.hidden = true;
    log(
      `account panel off (it needs the read and stream scopes): ${error instanceof Error ? error.message : "no access"}`,
    );
    return () => undefined;
  }
  panel.hidden = false;
  const refresh = throttle(() => void load(rest, market).catch(reportLoad), 300);
  const events = element<HTMLOListElement>("#events");
  const stop = client.subscribe<{ e?: string; o?: Record<string, unknown> }>(listenKey, (event) => {
    const item = document.createElement("li");
    const order = event.o;
    item.textContent =
      order === undefined
        ? `${event.e ?? "event"}`
        : `${event.e} ${order.s} ${order.S} ${order.o} ${order.q} @ ${order.p} ${order.X}`;
    events.prepend(item);
    while (events.children.length > 50) events.lastElementChild?.remove();
    refresh();
  });
  const stopGaps = client.onGap((gap) => {
    if (gap.phase === "end" && gap.streams.includes(listenKey)) refresh();
  });
  const keepalive = setInterval(
    () => void api.keepaliveUserDataStream().catch(() => undefined),
    KEEPALIVE_MS,
  );
  // No DELETE when the panel closes: the key is this token's one key (other tabs may hold it too); without
  // keepalives it lapses by itself.
  return () => {
    stop();
    stopGaps();
    clearInterval(keepalive);
    panel.hidden = true;
  };
}

function reportLoad(error: unknown): void {
  log(`account: ${error instanceof Error ? error.message : "failed"}`);
}

/** Positions and open orders into their tables; throws when the token may not read them. */
async function load(rest: Rest, market: Market): Promise<void> {
  const positions = (
    market === "um" ? await rest.um.positionInformationV3() : await rest.cm.positionInformation()
  ).data as Record<string, string>[];
  fillTable(
    element("#positions"),
    positions
      .filter((p) => Number(p.positionAmt) !== 0)
      .map((p) => ({
        cells: [
          p.symbol ?? "",
          p.positionSide ?? "",
          p.positionAmt ?? "",
          p.entryPrice ?? "",
          p.unRealizedProfit ?? "",
        ],
        className: Number(p.positionAmt) > 0 ? "buy" : "sell",
      })),
  );
  const orders = (await rest[market].currentAllOpenOrders()).data as Record<string, string>[];
  fillTable(
    element("#orders"),
    orders.map((o) => ({
      cells: [o.symbol ?? "", o.side ?? "", o.type ?? "", o.origQty ?? "", o.price ?? "", o.status ?? ""],
      className: o.side === "BUY" ? "buy" : "sell",
    })),
  );
}
