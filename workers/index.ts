// The Worker's entry: the Hono gateway as the fetch handler, and every Durable Object class it binds.

import { app } from "./api/app.ts";

export { BinanceEgress } from "./egress/binance-egress.ts";
export { MarketRelay } from "./stream/market-relay.ts";
export { UserStream } from "./stream/user-stream.ts";
export { OrderDesk } from "./webhooks/order-desk.ts";

export default app;
