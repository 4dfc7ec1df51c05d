// The REST listen-key endpoints answer a key they do not know exactly as Binance does: 400, its -1125 body and no
// X-Gateway-Error (an unmodified client cannot tell the gateway from Binance here). Kept by the review of issue 11,
// when routing the answer through the one renderer had added the header.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));

function listenKeyCall(method: "POST" | "PUT" | "DELETE", path: string, key?: string): Promise<Response> {
  const query = key === undefined ? "" : `?listenKey=${key}`;
  return exports.default.fetch(
    new Request(`https://gateway.test${path}${query}`, {
      method,
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    }),
  );
}

beforeEach(async () => {
  await fake.reset();
});

describe("a listen key the gateway does not know, through REST", () => {
  // docs/errors.md: -1125 carries no X-Gateway-Error, "which are exactly Binance's"; bb848e5 sent none.
  it("is answered exactly as Binance answers it: -1125 without X-Gateway-Error", async () => {
    const made = "A".repeat(64);
    for (const method of ["PUT", "DELETE"] as const) {
      const response = await listenKeyCall(method, "/fapi/v1/listenKey", made);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('{"code":-1125,"msg":"This listenKey does not exist."}');
      expect(response.headers.get("X-Gateway-Error")).toBeNull();
    }
  });

  it("stays so for a key of ours that was revoked (the user stream object's answer)", async () => {
    const opened = await listenKeyCall("POST", "/fapi/v1/listenKey");
    expect(opened.status).toBe(200);
    const { listenKey } = (await opened.json()) as { listenKey: string };
    expect((await listenKeyCall("DELETE", "/fapi/v1/listenKey", listenKey)).status).toBe(200);
    const again = await listenKeyCall("PUT", "/fapi/v1/listenKey", listenKey);
    expect(again.status).toBe(400);
    expect(await again.text()).toBe('{"code":-1125,"msg":"This listenKey does not exist."}');
    expect(again.headers.get("X-Gateway-Error")).toBeNull();
  });
});
