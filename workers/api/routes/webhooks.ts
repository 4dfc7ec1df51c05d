// Webhooks: POST /hooks/<hookId> takes an alert (TradingView's, or any JSON), checks everything that needs no
// exchange data (source address, passphrase in constant time, the alert's fields, its age, the symbol, the kill
// switch) and hands it to the account's order desk, answering at once with the alert's id; the desk places the
// orders. GET /hooks/<hookId>/alerts/<id> (a bearer token with the read scope) tells what happened.

import { digest, sameSecret } from "../../../shared/auth/registry.ts";
import { toHex } from "../../../shared/encoding/bytes.ts";
import { readAlert } from "../../../shared/webhooks/alert.ts";
import { deskStub } from "../../durable-objects.ts";
import type { RouteContext } from "../context.ts";
import { GatewayError } from "../errors.ts";
import { readBodyText } from "../incoming.ts";

export async function receiveAlert(c: RouteContext<"/hooks/:hookId">): Promise<Response> {
  const received = Date.now();
  const { options, log } = c.var;
  const request = c.req.raw;
  const hook = options.hooks.get(c.req.param("hookId"));
  if (hook === undefined) throw new GatewayError({ kind: "hook-unknown" });
  const source = request.headers.get("CF-Connecting-IP")?.toLowerCase() ?? "";
  if (hook.allowIps !== null && !hook.allowIps.has(source))
    throw new GatewayError({ kind: "hook-source-denied" });
  const body = await readBodyText(request, options.maxBodyBytes);
  const fallbackId = await digestHex(`${hook.id}\u0000${body}`);
  const read = readAlert(body, hook.defaults, fallbackId);
  // A body that is not JSON has no passphrase to check: it is refused for what it is, revealing nothing.
  if (read.passphrase === null && !read.alert.ok && read.alert.error.startsWith("the alert is not JSON"))
    throw new GatewayError({ kind: "alert-invalid", message: read.alert.error });
  if (!(await sameSecret(read.passphrase ?? "", hook.passphrase))) {
    log.log("warn", "hook passphrase refused", { hook: hook.id, source });
    throw new GatewayError({ kind: "hook-passphrase" });
  }
  if (!hook.enabled) throw new GatewayError({ kind: "hook-disabled", hookId: hook.id });
  if (!read.alert.ok) throw new GatewayError({ kind: "alert-invalid", message: read.alert.error });
  const alert = read.alert.value;
  const age = received - alert.time;
  if (Math.abs(age) > hook.maxLagMs)
    throw new GatewayError({ kind: "alert-stale", ageMs: age, maxLagMs: hook.maxLagMs });
  if (!hook.symbols.has(alert.symbol))
    throw new GatewayError({ kind: "hook-symbol-denied", symbol: alert.symbol });
  const { duplicate } = await deskStub(c.env, hook, options).accept(hook.id, alert.id, body, received);
  log.log("info", "hook alert", { hook: hook.id, alert: alert.id, action: alert.action, duplicate });
  return Response.json(
    {
      id: alert.id,
      status: duplicate ? "duplicate" : "accepted",
      dryRun: hook.dryRun,
      check: `/hooks/${hook.id}/alerts/${encodeURIComponent(alert.id)}`,
    },
    { status: duplicate ? 200 : 202 },
  );
}

export async function alertStatus(c: RouteContext<"/hooks/:hookId/alerts/:alertId">): Promise<Response> {
  const { options, caller } = c.var;
  const hook = options.hooks.get(c.req.param("hookId"));
  // Status queries take a bearer token only.
  if (caller.credential?.kind !== "token") throw new GatewayError({ kind: "credentials-missing" });
  const client = await caller.client();
  if (client === null) throw new GatewayError({ kind: "token-unknown" });
  if (!client.scopes.has("read"))
    throw new GatewayError({ kind: "scope-denied", client: client.name, scope: "read" });
  // Another account's hooks are as unknown to the client as hooks that do not exist.
  if (
    hook === undefined ||
    hook.account !== client.account ||
    (hook.readers !== null && !hook.readers.has(client.name))
  )
    throw new GatewayError({ kind: "hook-unknown" });
  const report = await deskStub(c.env, hook, options).report(hook.id, c.req.param("alertId"));
  if (report === null) throw new GatewayError({ kind: "alert-unknown" });
  return Response.json(report);
}

async function digestHex(text: string): Promise<string> {
  return toHex((await digest(text)).slice(0, 16));
}
