// The Worker's entry: the Hono gateway as the fetch handler, and every Durable Object class it binds.

import { app } from "./api/app.ts";

export { BinanceEgress } from "./api/egress.ts";
export { OrderDesk } from "./hooks/order-desk.ts";
export { MarketRelay } from "./stream/market-relay.ts";
export { UserStream } from "./stream/user-stream.ts";

export default app;
