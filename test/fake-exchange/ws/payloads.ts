// Binance-shaped event payloads for market streams, each carrying a per-stream sequence number written as
// raw digits (the numbers start above 2^53, so a relay that re-serialises through JS numbers corrupts them).
// Streams whose real payload has no monotonic id (markPrice, miniTicker, ...) carry the number in "u".

const PRICE = "60000.10";

/** The event type ("e") each stream kind emits, and the member holding the sequence number. */
const SEQUENCE_FIELD: Readonly<Record<string, string>> = {
  aggTrade: "a",
  trade: "t",
  bookTicker: "u",
  depthUpdate: "u",
  kline: "L",
  continuous_kline: "L",
  "24hrTicker": "L",
};

function symbolOf(stream: string): string {
  const name = stream.split("@")[0] ?? "";
  return name.startsWith("!") || name === "" ? "BTCUSDT" : name.toUpperCase();
}

function aggTrade(symbol: string, seq: bigint, now: number): string {
  return `{"e":"aggTrade","E":${now},"s":"${symbol}","a":${seq},"p":"${PRICE}","q":"0.001","f":${seq},"l":${seq},"T":${now},"m":true}`;
}

function trade(symbol: string, seq: bigint, now: number): string {
  return `{"e":"trade","E":${now},"T":${now},"s":"${symbol}","t":${seq},"p":"${PRICE}","q":"0.001","X":"MARKET","m":true}`;
}

function bookTicker(symbol: string, seq: bigint, now: number): string {
  return `{"e":"bookTicker","u":${seq},"s":"${symbol}","b":"60000.00","B":"1.500","a":"${PRICE}","A":"2.250","T":${now},"E":${now}}`;
}

function depthUpdate(symbol: string, seq: bigint, now: number): string {
  return `{"e":"depthUpdate","E":${now},"T":${now},"s":"${symbol}","U":${seq},"u":${seq},"pu":${seq - 1n},"b":[["60000.00","1.500"]],"a":[["${PRICE}","2.250"]]}`;
}

function markPrice(symbol: string, seq: bigint, now: number): string {
  const nextFunding = Math.ceil(now / 28_800_000) * 28_800_000;
  return `{"e":"markPriceUpdate","E":${now},"s":"${symbol}","p":"${PRICE}","ap":"${PRICE}","P":"60001.00","i":"60000.50","r":"0.00010000","T":${nextFunding},"u":${seq}}`;
}

/** Binance leaves ", " between the members of "k"; kept, since a relay must pass bytes through untouched. */
function klineBody(symbol: string, interval: string, seq: bigint, now: number): string {
  const open = now - (now % 60_000);
  return `{"t":${open}, "T":${open + 59_999}, "s":"${symbol}", "i":"${interval}", "f":${seq}, "L":${seq}, "o":"60000.00", "c":"${PRICE}", "h":"${PRICE}", "l":"60000.00", "v":"0.001", "n":1, "x":false, "q":"60.00010", "V":"0.001", "Q":"60.00010", "B":"0"}`;
}

function ticker(symbol: string, seq: bigint, now: number): string {
  return `{"e":"24hrTicker","E":${now},"s":"${symbol}","p":"0.10","P":"0.000","w":"60000.05","c":"${PRICE}","Q":"0.001","o":"60000.00","h":"${PRICE}","l":"60000.00","v":"0.001","q":"60.00010","O":${now - 86_400_000},"C":${now},"F":${seq},"L":${seq},"n":1}`;
}

function miniTicker(symbol: string, seq: bigint, now: number): string {
  return `{"e":"24hrMiniTicker","E":${now},"s":"${symbol}","c":"${PRICE}","o":"60000.00","h":"${PRICE}","l":"60000.00","v":"0.001","q":"60.00010","u":${seq}}`;
}

function forceOrder(symbol: string, seq: bigint, now: number): string {
  return `{"e":"forceOrder","E":${now},"o":{"s":"${symbol}","S":"SELL","o":"LIMIT","f":"IOC","q":"0.001","p":"59990.00","ap":"60000.00","X":"FILLED","l":"0.001","z":"0.001","T":${now}},"u":${seq}}`;
}

function generic(event: string, symbol: string, seq: bigint, now: number): string {
  return `{"e":"${event}","E":${now},"s":"${symbol}","u":${seq}}`;
}

function arrayOf(
  make: (symbol: string, seq: bigint, now: number) => string,
  seq: bigint,
  now: number,
): string {
  return `[${make("BTCUSDT", seq, now)},${make("ETHUSDT", seq, now)}]`;
}

/** The raw payload of event number `seq` of `stream` at time `now`. */
export function payloadFor(stream: string, seq: bigint, now: number): string {
  const symbol = symbolOf(stream);
  const kind = stream.split("@")[1] ?? stream.slice(1);
  if (stream.startsWith("!") && stream.includes("@arr")) {
    if (stream.startsWith("!ticker")) return arrayOf(ticker, seq, now);
    if (stream.startsWith("!miniTicker")) return arrayOf(miniTicker, seq, now);
    if (stream.startsWith("!markPrice")) return arrayOf(markPrice, seq, now);
  }
  if (kind === "aggTrade") return aggTrade(symbol, seq, now);
  if (kind === "trade") return trade(symbol, seq, now);
  if (kind === "bookTicker") return bookTicker(symbol, seq, now);
  if (kind.startsWith("depth") || kind === "rpiDepth") return depthUpdate(symbol, seq, now);
  if (kind === "markPrice") return markPrice(symbol, seq, now);
  if (kind === "ticker") return ticker(symbol, seq, now);
  if (kind === "miniTicker") return miniTicker(symbol, seq, now);
  if (kind === "forceOrder" || stream === "!forceOrder@arr") return forceOrder(symbol, seq, now);
  if (kind.startsWith("kline_")) {
    const body = klineBody(symbol, kind.slice(6), seq, now);
    return `{"e":"kline","E":${now},"s":"${symbol}","k":${body}}`;
  }
  if (kind.startsWith("continuousKline_")) {
    const [pair = symbol, contractType = "PERPETUAL"] = symbol.split("_");
    const body = klineBody(pair, kind.slice(16), seq, now);
    return `{"e":"continuous_kline","E":${now},"ps":"${pair}","ct":"${contractType}","k":${body}}`;
  }
  return generic(kind === "" ? "event" : kind, symbol, seq, now);
}

/** Reads the sequence number back from a raw payload or a combined envelope, digit for digit. */
export function sequenceOf(payloadText: string): bigint | null {
  const event = /"e":"([^"]+)"/.exec(payloadText)?.[1];
  if (event === undefined) return null;
  const field = SEQUENCE_FIELD[event] ?? "u";
  const digits = new RegExp(`"${field}":(\\d+)`).exec(payloadText)?.[1];
  return digits === undefined ? null : BigInt(digits);
}
