// What the gateway tells a relay object about a client it admits: the Worker checks the credential and the
// path, the object trusts this and nothing else from the request. It travels in one header, percent-encoded
// JSON, since stream and client names may be non-ASCII and header values must be ASCII.

import type { Market } from "../catalog/types.ts";

export interface RelayAdmission {
  readonly market: Market;
  /** `/stream` (combined envelopes) rather than `/ws` (raw payloads). */
  readonly combined: boolean;
  readonly streams: readonly string[];
  /** The client opted in to relay notices (reconnecting, reconnected, stale). */
  readonly relayEvents: boolean;
  /** The GATEWAY_CLIENTS name, or "anonymous" on a public relay. */
  readonly client: string;
  /** Whom connection limits count against: `client:<name>` or, for anonymous clients, `ip:<address>`. */
  readonly caller: string;
  /** The subprotocol to echo, or "" for none. */
  readonly protocol: string;
  /** Per relay listen key among the streams, the user data events the client wants (absent: all). */
  readonly events: Readonly<Record<string, readonly string[]>>;
  /** Admitted by its relay listen keys alone: it is closed once it holds none. */
  readonly keyOnly: boolean;
}

export const ADMISSION_HEADER = "X-Relay-Admission";

export function encodeAdmission(admission: RelayAdmission): string {
  return encodeURIComponent(JSON.stringify(admission));
}

export function decodeAdmission(value: string | null): RelayAdmission | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as Partial<RelayAdmission>;
    const { market, combined, streams, relayEvents, client, caller, protocol } = parsed;
    if (market !== "um" && market !== "cm") return null;
    if (typeof combined !== "boolean" || typeof relayEvents !== "boolean") return null;
    if (!Array.isArray(streams) || streams.some((stream) => typeof stream !== "string")) return null;
    if (typeof client !== "string" || typeof caller !== "string" || typeof protocol !== "string") return null;
    const events = eventFilters(parsed.events);
    if (events === null) return null;
    const keyOnly = parsed.keyOnly === true;
    return { market, combined, streams, relayEvents, client, caller, protocol, events, keyOnly };
  } catch {
    return null;
  }
}

function eventFilters(value: unknown): Record<string, readonly string[]> | null {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const filters: Record<string, readonly string[]> = {};
  for (const [key, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.some((event) => typeof event !== "string")) return null;
    filters[key] = list as string[];
  }
  return filters;
}
