// `npm run dev` on a fresh checkout: create .dev.vars from .dev.vars.example once, so `wrangler dev` starts with
// a working GATEWAY_CLIENTS. Never overwrites an existing .dev.vars.

import { copyFileSync, existsSync } from "node:fs";

const target = new URL("../.dev.vars", import.meta.url);
if (!existsSync(target)) {
  copyFileSync(new URL("../.dev.vars.example", import.meta.url), target);
  console.log("Created .dev.vars from .dev.vars.example: put your Binance key and your own clients in it.");
}
