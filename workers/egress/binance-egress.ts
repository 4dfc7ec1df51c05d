// The egress Durable Object: every REST call to Binance leaves from here. Created with BINANCE_LOCATION_HINT
// when set, so calls leave from a region Binance serves (Binance answers 451 to US and many cloud addresses).
// Being one object, it is also where shared state belongs: the server-time offset per market, the 429/418
// back-off, persisted so an evicted object keeps honouring a ban, the request-weight budgets
// (shared/rest/weight-ledger.ts) and the records that answer exact replays of a write once (./replays.ts).
// Signing happens here, with keys imported once.

import { DurableObject } from "cloudflare:workers";
import { accountProblem, describeKeyError } from "../../shared/auth/account-keys.ts";
import { MAIN_ACCOUNT } from "../../shared/auth/accounts.ts";
import type { Market } from "../../shared/catalog/types.ts";
import {
  activeBan,
  type Ban,
  type BanState,
  NO_BANS,
  recordBan,
  upgradeBanState,
} from "../../shared/rest/ban.ts";
import {
  type ClockOffset,
  clockNeed,
  offsetFromServerTime,
  readServerTime,
} from "../../shared/rest/clock.ts";
import type { CallOrigin, EgressReply } from "../../shared/rest/egress-reply.ts";
import { type EgressRequest, lostCallReason } from "../../shared/rest/egress-request.ts";
import { classifyResponse } from "../../shared/rest/outcome.ts";
import { weightCallOf } from "../../shared/rest/request-weight.ts";
import { WeightLedger } from "../../shared/rest/weight-ledger.ts";
import { type Signer, SignerCache } from "../../shared/signing/signer.ts";
import { egressOptionsOf, logLevelOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { callBinance } from "./binance-rest.ts";
import { executeCall } from "./execute-call.ts";
import { ReplayStore } from "./replays.ts";

const signers = new SignerCache();
const TIME_PATH: Readonly<Record<Market, string>> = { um: "/fapi/v1/time", cm: "/dapi/v1/time" };

export class BinanceEgress extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #clocks = new Map<Market, ClockOffset>();
  readonly #syncs = new Map<Market, Promise<void>>();
  #bans: Record<Market, BanState> = { um: NO_BANS, cm: NO_BANS };
  readonly #weights = new WeightLedger();
  readonly #replays: ReplayStore;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(logLevelOf(env));
    this.#replays = new ReplayStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.get<Record<Market, unknown>>("bans");
      if (stored !== undefined)
        this.#bans = {
          um: upgradeBanState(stored.um, MAIN_ACCOUNT),
          cm: upgradeBanState(stored.cm, MAIN_ACCOUNT),
        };
    });
  }

  /** One call for `origin`; an exact replay of a guarded write gets the original's outcome instead. */
  send(request: EgressRequest, timeoutMs: number, origin: CallOrigin): Promise<EgressReply> {
    if (origin.replay === null) return this.#send(request, timeoutMs, origin);
    return this.#replays.once(origin.replay, lostCallReason(request), Date.now(), () =>
      this.#send(request, timeoutMs, origin),
    );
  }

  async #send(request: EgressRequest, timeoutMs: number, origin: CallOrigin): Promise<EgressReply> {
    const options = egressOptionsOf(this.env);
    if (!options.ok) return misconfigured(options.error);
    // Checked here too (executeCall checks before every attempt) so that not even a clock sync goes out.
    const accountName = request.account;
    const ban = activeBan(this.#bans[request.market], request.countsAsOrder, accountName, Date.now());
    if (ban !== null) return { kind: "error", reason: { kind: "upstream-banned", ...ban } };
    const account = options.value.accounts.get(accountName);
    const problem =
      request.security === "NONE"
        ? null
        : accountProblem(accountName, account, request.security === "SIGNED" ? "signing" : "api-key");
    if (problem !== null) return misconfigured(problem);
    let signer: Signer | null = null;
    if (request.security === "SIGNED" && account?.credential != null) {
      const loaded = await signers.get(account.credential);
      if (!loaded.ok) return misconfigured(describeKeyError(accountName, loaded.error));
      signer = loaded.value;
    }
    // Checked and counted in one synchronous step, so calls arriving together cannot all pass one check.
    const limits = options.value.weight;
    const refusal = this.#weights.admit(
      weightCallOf(request, origin, limits.defaultPerCaller),
      limits,
      Date.now(),
    );
    if (refusal !== null) {
      this.#log.log("warn", "weight budget", { ...refusal, path: request.path });
      return { kind: "error", reason: refusal };
    }
    if (signer !== null)
      await this.#ensureClock(request.market, options.value.restUrl[request.market], timeoutMs);
    return executeCall(
      {
        options: options.value,
        account: accountName,
        apiKey: account?.apiKey ?? null,
        signer,
        log: this.#log,
        serverTime: (market) => Date.now() + (this.#clocks.get(market)?.offset ?? 0),
        resyncClock: (market) => this.#sync(market, options.value.restUrl[market], timeoutMs),
        recordBan: (market, newBan) => this.#recordBan(market, newBan, accountName),
        activeBan: (market, countsAsOrder) =>
          activeBan(this.#bans[market], countsAsOrder, accountName, Date.now()),
        charge: (market, weight) => this.#weights.charge(market, weight, Date.now()),
        reportWeight: (market, header, sentAt) => this.#weights.report(market, header, sentAt, Date.now()),
      },
      request,
      timeoutMs,
      { prepaid: true },
    );
  }

  /** First signed call per market waits for a sync; later ones refresh a stale offset in the background. */
  async #ensureClock(market: Market, origin: string, timeoutMs: number): Promise<void> {
    const need = clockNeed(this.#clocks.get(market), Date.now());
    if (need === "sync") return this.#sync(market, origin, timeoutMs);
    if (need === "refresh") this.ctx.waitUntil(this.#sync(market, origin, timeoutMs));
  }

  #sync(market: Market, origin: string, timeoutMs: number): Promise<void> {
    const running = this.#syncs.get(market);
    if (running !== undefined) return running;
    const sync = (async () => {
      const sentAt = Date.now();
      this.#weights.charge(market, 1, sentAt);
      const result = await callBinance(
        origin,
        "GET",
        TIME_PATH[market],
        { query: "", body: null },
        null,
        timeoutMs,
      );
      const receivedAt = Date.now();
      if (result.ok)
        this.#weights.report(
          market,
          result.reply.headers["x-mbx-used-weight-1m"] ?? null,
          sentAt,
          receivedAt,
        );
      if (result.ok && (result.reply.status === 429 || result.reply.status === 418)) {
        const text = new TextDecoder().decode(result.reply.body);
        const outcome = classifyResponse(
          result.reply.status,
          result.reply.headers["retry-after"] ?? null,
          text,
          receivedAt,
        );
        if (outcome.kind === "rate-limited")
          this.#recordBan(
            market,
            { status: outcome.status, code: outcome.code, until: outcome.until },
            MAIN_ACCOUNT,
          );
      }
      const serverTime =
        result.ok && result.reply.status === 200
          ? readServerTime(new TextDecoder().decode(result.reply.body))
          : null;
      if (serverTime === null) {
        this.#log.log("warn", "clock sync failed", {
          market,
          status: result.ok ? result.reply.status : result.cause,
        });
        return;
      }
      const offset = offsetFromServerTime(serverTime, sentAt, receivedAt);
      this.#clocks.set(market, { offset, syncedAt: receivedAt });
      this.#log.log("info", "clock synced", { market, offsetMs: offset, rttMs: receivedAt - sentAt });
    })().finally(() => this.#syncs.delete(market));
    this.#syncs.set(market, sync);
    return sync;
  }

  #recordBan(market: Market, ban: Ban, account: string): void {
    this.#bans = { ...this.#bans, [market]: recordBan(this.#bans[market], ban, account) };
    this.#log.log("warn", "upstream back-off", {
      market,
      account,
      status: ban.status,
      code: ban.code,
      until: ban.until,
    });
    this.ctx.waitUntil(this.ctx.storage.put("bans", this.#bans));
  }
}

function misconfigured(message: string): EgressReply {
  return { kind: "error", reason: { kind: "gateway-misconfigured", message } };
}
