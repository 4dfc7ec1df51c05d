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
  let cached: { readonly key: string; readonly value: T } | null = null;
  return (vars) => {
    const key = names.map((name) => vars[name] ?? "").join("\u0000");
    if (cached?.key !== key) cached = { key, value: read(vars) };
    return cached.value;
  };
}
