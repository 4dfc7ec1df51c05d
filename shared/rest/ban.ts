// Back-off after Binance's 429 and 418. Sending more after a 429 escalates to a 418 IP ban (2 minutes up to
// 3 days), so the gateway refuses calls itself until the time Binance gave. -1015 (too many new orders) is
// an account order-rate limit: only new and modified orders wait; reads and cancels still go through.

export interface Ban {
  readonly status: 418 | 429;
  readonly code: number;
  readonly until: number;
}

export interface BanState {
  readonly all: Ban | null;
  readonly orders: Ban | null;
}

export const NO_BANS: BanState = { all: null, orders: null };

export function recordBan(state: BanState, ban: Ban): BanState {
  const key = ban.code === -1015 ? "orders" : "all";
  const current = state[key];
  return current !== null && current.until >= ban.until ? state : { ...state, [key]: ban };
}

export function activeBan(state: BanState, countsAsOrder: boolean, now: number): Ban | null {
  if (state.all !== null && state.all.until > now) return state.all;
  if (countsAsOrder && state.orders !== null && state.orders.until > now) return state.orders;
  return null;
}
