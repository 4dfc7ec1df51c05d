// An alert, as TradingView (or any JSON webhook) sends it: JSON whether it arrives as application/json or as
// text/plain (TradingView's choice whenever a placeholder left the message invalid JSON). Numbers may be JSON
// numbers or strings (placeholders are often quoted); names are read case-sensitively as documented in
// docs/webhooks.md, unknown fields are ignored (templates carry comments and chart data), and every problem is
// one clear sentence naming the field.

import { compare, type Decimal, parseDecimal, ZERO } from "../decimal.ts";
import { type JsonValue, parseJson, stringifyJson } from "../encoding/json-raw.ts";
import { err, ok, type Result } from "../result.ts";

export const ACTIONS = ["buy", "sell", "long", "short", "close", "flip", "cancel"] as const;
export type Action = (typeof ACTIONS)[number];

/** How big the order is: contracts, quote notional, or a percent of the available balance (as margin). */
export type Size =
  | { readonly kind: "quantity"; readonly value: Decimal }
  | { readonly kind: "notional"; readonly value: Decimal }
  | { readonly kind: "percent"; readonly value: Decimal };

/** A take-profit or stop-loss trigger: a price, or a percent away from the entry price. */
export type Trigger =
  | { readonly kind: "price"; readonly value: Decimal }
  | { readonly kind: "percent"; readonly value: Decimal };

export interface Alert {
  readonly id: string;
  /** When the alert fired (ms), from its `time`. */
  readonly time: number;
  readonly action: Action;
  readonly symbol: string;
  /** null: the whole position (close, flip) or nothing (cancel). */
  readonly size: Size | null;
  readonly type: "MARKET" | "LIMIT";
  readonly price: Decimal | null;
  readonly timeInForce: "GTC" | "IOC" | "FOK" | "GTX";
  readonly reduceOnly: boolean;
  readonly leverage: number | null;
  readonly marginType: "ISOLATED" | "CROSSED" | null;
  readonly takeProfit: Trigger | null;
  readonly stopLoss: Trigger | null;
  /** Hedge mode only: the side to act on (else chosen from the action). */
  readonly positionSide: "LONG" | "SHORT" | null;
}

export interface ReceivedAlert {
  readonly passphrase: string | null;
  readonly alert: Result<Alert, string>;
}

/** Printable ASCII, no leading or trailing space: TradingView's "{{strategy.order.id}}-{{timenow}}" fits. */
const ID = /^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/;

/** Reads the passphrase and the alert from a request body; `fallbackId` names an alert that has no `id`. */
export function readAlert(
  body: string,
  defaults: Readonly<Record<string, JsonValue>>,
  fallbackId: string,
): ReceivedAlert {
  const parsed = parseJson(body);
  if (!parsed.ok)
    return {
      passphrase: null,
      alert: err(
        `the alert is not JSON (${parsed.error.message}); TradingView sends the message as text when a placeholder breaks the JSON`,
      ),
    };
  if (parsed.value.kind !== "object")
    return { passphrase: null, alert: err("the alert must be a JSON object") };
  const given = new Map(parsed.value.entries);
  const passphrase = given.get("passphrase");
  const fields = new Map<string, JsonValue>([...Object.entries(defaults), ...given]);
  return {
    passphrase: passphrase?.kind === "string" ? passphrase.value : null,
    alert: readFields(fields, fallbackId),
  };
}

function readFields(fields: Map<string, JsonValue>, fallbackId: string): Result<Alert, string> {
  const idText = scalar(fields.get("id"));
  if (idText !== null && !ID.test(idText)) return err("id must be 1 to 64 printable characters");
  const time = readTime(fields.get("time"));
  if (typeof time === "string") return err(time);
  const action = scalar(fields.get("action"))?.toLowerCase() ?? "";
  if (!(ACTIONS as readonly string[]).includes(action))
    return err(`action must be one of ${ACTIONS.join(", ")} (got "${action.slice(0, 32)}")`);
  const symbol = normalizeSymbol(scalar(fields.get("symbol")) ?? "");
  if (symbol === null) return err('symbol is required, such as "BTCUSDT" or TradingView\'s "{{ticker}}"');

  const sizes: Size[] = [];
  for (const kind of ["quantity", "notional", "percent"] as const) {
    if (!fields.has(kind)) continue;
    const value = positive(fields.get(kind));
    if (value === null) return err(`${kind} must be a positive number`);
    sizes.push({ kind, value } as Size);
  }
  if (sizes.length > 1) return err("give only one of quantity, notional and percent");
  const size = sizes[0] ?? null;
  if (size?.kind === "percent" && compare(size.value, { units: 100n, scale: 0 }) > 0)
    return err("percent must be at most 100");
  if (size === null && (action === "buy" || action === "sell" || action === "long" || action === "short"))
    return err(`${action} needs quantity, notional or percent`);

  const typeText = (scalar(fields.get("type")) ?? "market").toUpperCase();
  if (typeText !== "MARKET" && typeText !== "LIMIT") return err('type must be "market" or "limit"');
  const price = fields.has("price") ? positive(fields.get("price")) : null;
  if (fields.has("price") && price === null) return err("price must be a positive number");
  if (typeText === "LIMIT" && price === null) return err("a limit order needs a price");
  const tif = (scalar(fields.get("timeInForce")) ?? "GTC").toUpperCase();
  if (tif !== "GTC" && tif !== "IOC" && tif !== "FOK" && tif !== "GTX")
    return err("timeInForce must be GTC, IOC, FOK or GTX");
  const reduceOnly = readFlag(fields.get("reduceOnly"));
  if (reduceOnly === null) return err("reduceOnly must be true or false");

  const leverageText = scalar(fields.get("leverage"));
  const leverage = leverageText === null ? null : Number(leverageText);
  if (leverage !== null && !(Number.isInteger(leverage) && leverage >= 1 && leverage <= 125))
    return err("leverage must be a whole number from 1 to 125");
  const marginText = scalar(fields.get("marginType"))?.toUpperCase() ?? null;
  const marginType =
    marginText === null
      ? null
      : marginText === "ISOLATED"
        ? "ISOLATED"
        : /^CROSS(ED)?$/.test(marginText)
          ? "CROSSED"
          : "";
  if (marginType === "") return err('marginType must be "isolated" or "cross"');

  const takeProfit = readTrigger(fields, "takeProfit");
  if (typeof takeProfit === "string") return err(takeProfit);
  const stopLoss = readTrigger(fields, "stopLoss");
  if (typeof stopLoss === "string") return err(stopLoss);
  if ((takeProfit !== null || stopLoss !== null) && (action === "close" || action === "cancel"))
    return err(`${action} takes no takeProfit or stopLoss`);
  const sideText = scalar(fields.get("positionSide"))?.toUpperCase() ?? null;
  if (sideText !== null && sideText !== "LONG" && sideText !== "SHORT" && sideText !== "BOTH")
    return err('positionSide must be "long" or "short"');
  return ok({
    id: idText ?? fallbackId,
    time,
    action: action as Action,
    symbol,
    size,
    type: typeText,
    price,
    timeInForce: tif,
    reduceOnly,
    leverage,
    marginType,
    takeProfit,
    stopLoss,
    positionSide: sideText === "LONG" || sideText === "SHORT" ? sideText : null,
  });
}

/** The body as it is kept at rest: the same alert, without its passphrase (numbers keep their text). */
export function withoutPassphrase(body: string): string {
  const parsed = parseJson(body);
  if (!parsed.ok || parsed.value.kind !== "object") return body;
  return stringifyJson({
    kind: "object",
    entries: parsed.value.entries.filter(([name]) => name !== "passphrase"),
  });
}

/**
 * TradingView's tickers as Binance symbols: "BINANCE:BTCUSDT.P" and "BTCUSDT.P" (its perpetual suffix) are
 * BTCUSDT, "btcusd_perp" is BTCUSD_PERP; null if nothing symbol-like is left.
 */
export function normalizeSymbol(text: string): string | null {
  const bare = text
    .trim()
    .replace(/^[A-Za-z0-9_]+:/, "")
    .replace(/\.P(ERP)?$/i, "")
    .toUpperCase();
  return /^[A-Z0-9_]{1,32}$/.test(bare) ? bare : null;
}

/** A string, number or boolean field as text (placeholders are often quoted numbers). */
function scalar(value: JsonValue | undefined): string | null {
  if (value === undefined || value.kind === "null") return null;
  if (value.kind === "string") return value.value.trim();
  if (value.kind === "number") return value.raw;
  if (value.kind === "boolean") return String(value.value);
  return null;
}

function positive(value: JsonValue | undefined): Decimal | null {
  const text = scalar(value);
  const parsed = text === null ? null : parseDecimal(expandExponent(text));
  return parsed !== null && compare(parsed, ZERO) > 0 ? parsed : null;
}

/** "1e-3" (a JSON number TradingView may write) as plain decimal text. */
function expandExponent(text: string): string {
  const match = /^(\d+)(?:\.(\d+))?[eE]([+-]?\d{1,2})$/.exec(text);
  if (match === null) return text;
  const digits = `${match[1]}${match[2] ?? ""}`;
  const point = (match[1] ?? "").length + Number(match[3]);
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

function readFlag(value: JsonValue | undefined): boolean | null {
  const text = scalar(value);
  if (text === null) return false;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  return null;
}

/** The alert's time in ms: ISO 8601 (TradingView's {{timenow}}), or Unix seconds or milliseconds. */
function readTime(value: JsonValue | undefined): number | string {
  const text = scalar(value);
  if (text === null) return 'time is required (TradingView: "{{timenow}}"), so a late alert can be refused';
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{12,13}$/.test(text)) return Number(text);
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  return `time must be ISO 8601 such as 2026-01-15T14:30:05Z, or Unix seconds or milliseconds (got "${text.slice(0, 40)}")`;
}

function readTrigger(fields: Map<string, JsonValue>, name: string): Trigger | null | string {
  const hasPrice = fields.has(name);
  const hasPercent = fields.has(`${name}Percent`);
  if (hasPrice && hasPercent) return `give ${name} or ${name}Percent, not both`;
  if (hasPrice) {
    const value = positive(fields.get(name));
    return value === null ? `${name} must be a positive price` : { kind: "price", value };
  }
  if (hasPercent) {
    const value = positive(fields.get(`${name}Percent`));
    if (value === null || compare(value, { units: 100n, scale: 0 }) >= 0)
      return `${name}Percent must be a positive number below 100`;
    return { kind: "percent", value };
  }
  return null;
}
