// The webhooks the Worker tests configure (WEBHOOKS): `tv` trades the main account's USDⓈ-M and posts its
// outcomes to the fake exchange's notification recorder, `minute` has a per-minute notional limit, `hedge` the second account (set to hedge mode by its
// tests), `cm` COIN-M, `off` has its kill switch on, `dry` only reports, `ip` takes TradingView's addresses only.

export const HOOK_PASSPHRASE = "correct-horse-battery-staple";

export function testWebhooks(fakeExchangeUrl: string): Record<string, Record<string, unknown>> {
  const base = { passphrase: HOOK_PASSPHRASE, symbols: ["BTCUSDT", "ETHUSDT"], maxNotional: "5000" };
  return {
    tv: { ...base, notify: `${fakeExchangeUrl}/__fake/notify/tv` },
    minute: { ...base, maxNotionalPerMinute: "8000" },
    hedge: { ...base, account: "second" },
    cm: { ...base, market: "cm", symbols: ["BTCUSD_PERP"], maxNotional: "100000" },
    off: { ...base, enabled: false },
    dry: { ...base, dryRun: true },
    ip: { ...base, allowIps: "tradingview", readers: ["hook"] },
  };
}
