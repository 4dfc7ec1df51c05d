// Back-off after Binance's 429 and 418. Sending more after a 429 escalates to a 418 IP ban (2 minutes up to
// 3 days), so the gateway refuses calls itself until the time Binance gave. -1015 (too many new orders) is
// an account order-rate limit: only that account's new and modified orders wait; reads, cancels and other
// accounts still go through.

export interface Ban {
  readonly status: 418 | 429;
  readonly code: number;
  readonly until: number;
}

export interface BanState {
  /** The IP's ban: every call waits. */
  readonly all: Ban | null;
  /** Order-rate holds by account. */
  readonly orders: Readonly<Record<string, Ban>>;
}

export const NO_BANS: BanState = { all: null, orders: {} };

export function recordBan(state: BanState, ban: Ban, account: string): BanState {
  if (ban.code !== -1015) {
    return state.all !== null && state.all.until >= ban.until ? state : { ...state, all: ban };
  }
  const current = state.orders[account];
  if (current !== undefined && current.until >= ban.until) return state;
  return { ...state, orders: { ...state.orders, [account]: ban } };
}

export function activeBan(state: BanState, countsAsOrder: boolean, account: string, now: number): Ban | null {
  if (state.all !== null && state.all.until > now) return state.all;
  const orders = state.orders[account];
  if (countsAsOrder && orders !== undefined && orders.until > now) return orders;
  return null;
}

/** A state persisted by an earlier version (one order hold per market) read as the main account's. */
export function upgradeBanState(stored: unknown, mainAccount: string): BanState {
  if (typeof stored !== "object" || stored === null) return NO_BANS;
  const { all, orders } = stored as { all?: Ban | null; orders?: unknown };
  const isBan = (value: unknown): value is Ban =>
    typeof value === "object" && value !== null && typeof (value as Ban).until === "number";
  if (isBan(orders)) return { all: all ?? null, orders: { [mainAccount]: orders } };
  return { all: all ?? null, orders: (orders as Record<string, Ban> | null) ?? {} };
}
