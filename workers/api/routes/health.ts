// GET /gateway/health: whether the gateway can do what its configuration promises. "ok" only when every Binance
// account that a client or a webhook acts for has a key that loads (an HMAC secret, or a PEM that imports);
// "degraded" (503) when one does not; "misconfigured" (500) when the configuration itself cannot be read.
// Anyone may ask; a caller that presents its credential also learns, for its own account, which key kind is in
// use or what is missing (never a key's value).

import type { Context } from "hono";
import { accountProblem, describeKeyError, type KeyNeed } from "../../../shared/auth/account-keys.ts";
import type { BinanceAccount } from "../../../shared/auth/accounts.ts";
import type { GatewayClient } from "../../../shared/auth/clients.ts";
import { SignerCache, type SignerKind } from "../../../shared/signing/signer.ts";
import { egressOptionsOf, type GatewayOptions } from "../../config/index.ts";
import type { GatewayHono } from "../context.ts";

const signers = new SignerCache();

interface AccountHealth {
  readonly account: string;
  readonly usable: boolean;
  readonly key?: SignerKind | "api-key-only";
  readonly problem?: string;
}

export async function health(c: Context<GatewayHono>): Promise<Response> {
  const options = c.var.loaded;
  if (!options.ok) return Response.json({ status: "misconfigured", problem: options.error }, { status: 500 });
  const egress = egressOptionsOf(c.env);
  if (!egress.ok) return Response.json({ status: "misconfigured", problem: egress.error }, { status: 500 });
  const needs = neededAccounts(options.value);
  const checked = await Promise.all(
    [...needs].map(([name, need]) => checkAccount(name, egress.value.accounts.get(name), need)),
  );
  const status = checked.every((account) => account.usable) ? "ok" : "degraded";
  const code = status === "ok" ? 200 : 503;
  const caller = await c.var.caller.client();
  if (caller === null) return Response.json({ status }, { status: code });
  const own =
    checked.find((account) => account.account === caller.account) ??
    (await checkAccount(caller.account, egress.value.accounts.get(caller.account), needOf(caller)));
  return Response.json({ status, accounts: [own] }, { status: code });
}

/** Each account some client or webhook acts for, with what it needs: signing for read/trade, else the API key. */
function neededAccounts(options: GatewayOptions): Map<string, KeyNeed> {
  const needs = new Map<string, KeyNeed>();
  const add = (account: string, need: KeyNeed | null) => {
    if (need === null || needs.get(account) === "signing") return;
    needs.set(account, need);
  };
  for (const client of options.registry.clients) add(client.account, needOf(client));
  for (const hook of options.hooks.values()) add(hook.account, "signing");
  return needs;
}

function needOf(client: GatewayClient): KeyNeed | null {
  if (client.scopes.has("read") || client.scopes.has("trade")) return "signing";
  // Listen keys (stream scope) need the API key; market data goes out without one.
  return client.scopes.has("stream") ? "api-key" : null;
}

async function checkAccount(
  name: string,
  account: BinanceAccount | undefined,
  need: KeyNeed | null,
): Promise<AccountHealth> {
  const problem = accountProblem(name, account, need ?? "api-key");
  if (problem !== null) return { account: name, usable: need === null, problem };
  if (account?.credential == null) return { account: name, usable: true, key: "api-key-only" };
  const signer = await signers.get(account.credential);
  if (!signer.ok) return { account: name, usable: false, problem: describeKeyError(name, signer.error) };
  return { account: name, usable: true, key: signer.value.kind };
}
