// What the gateway's middleware puts on each request's context, once: the logger, the loaded options (or why
// they could not be loaded), and the caller: the credential its headers present and, looked up on first use
// only (a route that never asks does not pay for the digest), the client it belongs to. Routes take the
// context instead of a row of positional parameters.

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { GatewayClient } from "../../shared/auth/clients.ts";
import { type PresentedCredential, presentedCredential } from "../../shared/auth/credential.ts";
import type { ClientRegistry } from "../../shared/auth/registry.ts";
import type { Result } from "../../shared/result.ts";
import { type GatewayOptions, loadGatewayOptions, logLevelOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { GatewayError } from "./errors.ts";

export interface PresentedCaller {
  /** What the request's headers present (shared/auth/credential.ts), or null. */
  readonly credential: PresentedCredential | null;
  /** Whose the credential is: null when none is presented, it is unknown, or the options did not load. */
  client(): Promise<GatewayClient | null>;
}

export interface GatewayHono {
  Bindings: GatewayEnv;
  Variables: {
    log: Logger;
    loaded: Result<GatewayOptions, string>;
    caller: PresentedCaller;
  };
}

/** The context of a route that needs the options: they loaded, or the request was refused before it. */
export interface RouteHono extends GatewayHono {
  Variables: GatewayHono["Variables"] & { options: GatewayOptions };
}

export type RouteContext<Path extends string = string> = Context<RouteHono, Path>;

export const gatewayContext = createMiddleware<GatewayHono>(async (c, next) => {
  c.set("log", createLogger(logLevelOf(c.env)));
  const loaded = await loadGatewayOptions(c.env);
  c.set("loaded", loaded);
  c.set("caller", presentedCaller(c.req.raw.headers, loaded.ok ? loaded.value.registry : null));
  await next();
});

/** Refuses the request with gateway-misconfigured unless the options loaded; else puts them on the context. */
export const withOptions = createMiddleware<RouteHono>(async (c, next) => {
  const loaded = c.var.loaded;
  if (!loaded.ok) throw new GatewayError({ kind: "gateway-misconfigured", message: loaded.error });
  c.set("options", loaded.value);
  await next();
});

export function presentedCaller(headers: Headers, registry: ClientRegistry | null): PresentedCaller {
  const credential = presentedCredential(headers);
  let found: Promise<GatewayClient | null> | null = null;
  return {
    credential,
    client() {
      if (credential === null || registry === null) return Promise.resolve(null);
      found ??=
        credential.kind === "token"
          ? registry.findByToken(credential.value)
          : registry.findByApiKey(credential.value);
      return found;
    },
  };
}
