// Configuration is read once per isolate: each part is cached on the raw values of the vars it reads and read
// again only when one of them changes (tests, and `wrangler dev` reloading .dev.vars, change them).

import type { GatewayEnv } from "../env.ts";

/** The vars and secrets that hold text (the rest of the env are bindings). */
export type VarName = {
  [K in keyof GatewayEnv]-?: GatewayEnv[K] extends string | undefined ? K : never;
}[keyof GatewayEnv];

/**
 * `read`, called again only when one of `names` changes. `read` sees only the vars it names, so a var it reads
 * but does not name (and would not notice changing) is a type error.
 */
export function cachedOn<K extends VarName, T>(
  names: readonly K[],
  read: (vars: Pick<GatewayEnv, K>) => T,
): (vars: Pick<GatewayEnv, K>) => T {
  let cached: { readonly values: readonly unknown[]; readonly value: T } | null = null;
  return (vars) => {
    // Compared var by var, not joined into one key: every request calls this, and joining copies every value
    // (PEM keys, GATEWAY_CLIENTS, WEBHOOKS) into a new string each time. The same text is usually the very same
    // string, which compares without reading it.
    if (cached === null || names.some((name, i) => cached?.values[i] !== vars[name]))
      cached = { values: names.map((name) => vars[name]), value: read(vars) };
    return cached.value;
  };
}
