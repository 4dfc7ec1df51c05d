// Endpoint security: API key (X-MBX-APIKEY), timestamp / recvWindow and signature checks.

import type { ExchangeState } from "../state.ts";
import type { ParsedRequestParams } from "./params.ts";
import { param } from "./params.ts";
import { errors, type Reply } from "./replies.ts";
import type { Security } from "./routes.ts";
import { verifySignature } from "./signature.ts";

export interface AuthOutcome {
  /** The header value (null when absent). */
  apiKey: string | null;
  /** A signature was sent and verified. */
  signed: boolean;
}

const MAX_RECV_WINDOW = 60_000;
const DEFAULT_RECV_WINDOW = 5_000;

function checkApiKey(state: ExchangeState, apiKey: string | null): Reply | null {
  if (apiKey === null || apiKey === "") return errors.apiKeyFormat();
  return state.keys.has(apiKey) ? null : errors.rejectedKey();
}

/** Binance: accept iff timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow. */
function checkTiming(parsed: ParsedRequestParams, now: number): Reply | null {
  const timestampText = param(parsed.params, "timestamp");
  if (timestampText === undefined || !/^\d{1,16}$/.test(timestampText)) return errors.mandatory("timestamp");
  const recvWindowText = param(parsed.params, "recvWindow");
  if (recvWindowText !== undefined && !/^\d{1,16}$/.test(recvWindowText))
    return errors.invalidParam("recvWindow");
  const recvWindow = recvWindowText === undefined ? DEFAULT_RECV_WINDOW : Number(recvWindowText);
  if (recvWindow > MAX_RECV_WINDOW) return errors.recvWindowTooBig();
  const timestamp = Number(timestampText);
  if (timestamp >= now + 1000) return errors.timestampAhead();
  if (now - timestamp > recvWindow) return errors.timestampOutside();
  return null;
}

/** Full SIGNED checks for a request whose API key is registered. */
function checkSigned(
  state: ExchangeState,
  apiKey: string,
  parsed: ParsedRequestParams,
  now: number,
): Reply | null {
  if (param(parsed.params, "timestamp") === undefined) return errors.mandatory("timestamp");
  if (parsed.signature === null || parsed.signature === "") return errors.mandatory("signature");
  const timing = checkTiming(parsed, now);
  if (timing !== null) return timing;
  const key = state.keys.get(apiKey);
  if (key === undefined || parsed.signatureMisplaced) return errors.badSignature();
  return verifySignature(key, parsed.totalParams, parsed.signature) ? null : errors.badSignature();
}

/**
 * Applies an endpoint's security type. `null` security is the generic handler: a key, when sent, must be
 * registered, and a signature, when sent, must verify with a valid timestamp.
 */
export function authenticate(
  state: ExchangeState,
  security: Security | null,
  apiKey: string | null,
  parsed: ParsedRequestParams,
  now: number,
): AuthOutcome | Reply {
  if (security === "NONE") return { apiKey, signed: false };
  const keyRequired = security !== null || apiKey !== null || parsed.signature !== null;
  if (keyRequired) {
    const keyError = checkApiKey(state, apiKey);
    if (keyError !== null) return keyError;
  }
  const signatureRequired = security === "SIGNED" || (security === null && parsed.signature !== null);
  if (!signatureRequired || apiKey === null) return { apiKey, signed: false };
  const signedError = checkSigned(state, apiKey, parsed, now);
  return signedError ?? { apiKey, signed: true };
}
