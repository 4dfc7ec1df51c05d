// The user data stream's three listen-key endpoints, the same on both markets but for the path: one definition,
// spread into each market's table with its literal types kept (the client's typed methods are built from them).

import type { Market } from "./types.ts";

export function userDataStreamEndpoints<const M extends Market, const P extends string>(market: M, path: P) {
  const row = { market, path, security: "API_KEY", weight: 1, required: [], actsOn: "account" } as const;
  return [
    {
      ...row,
      name: "startUserDataStream",
      reference: ["new_listen_key"],
      method: "POST",
      summary: "Create a listenKey, or extend the active one (USER_STREAM).",
    },
    {
      ...row,
      name: "keepaliveUserDataStream",
      reference: ["renew_listen_key"],
      method: "PUT",
      summary: "Extend the listenKey's validity by 60 minutes (USER_STREAM).",
    },
    {
      ...row,
      name: "closeUserDataStream",
      reference: ["close_listen_key"],
      method: "DELETE",
      summary: "Close the user data stream (USER_STREAM).",
    },
  ] as const;
}
