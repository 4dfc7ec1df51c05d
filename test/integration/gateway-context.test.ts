// The caller the middleware puts on the context: its credential read once from the headers, and whose it is
// looked up only when a route asks, once however often it asks.
import { describe, expect, it } from "vitest";
import { parseClients } from "../../shared/auth/clients.ts";
import { ClientRegistry } from "../../shared/auth/registry.ts";
import { presentedCaller } from "../../workers/api/context.ts";

const CLIENTS = [
  { name: "bot", apiKey: "virtual-key-0000000001", apiSecret: "virtual-secret-000000001", scopes: ["trade"] },
  { name: "page", token: "bearer-token-00000000001", scopes: ["stream"] },
];

async function registry(): Promise<ClientRegistry> {
  const parsed = parseClients(JSON.stringify(CLIENTS));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return ClientRegistry.create(parsed.value);
}

describe("presentedCaller", () => {
  it("finds the client of a bearer token and of a virtual API key", async () => {
    const clients = await registry();
    const token = presentedCaller(new Headers({ Authorization: "Bearer bearer-token-00000000001" }), clients);
    expect((await token.client())?.name).toBe("page");
    const apiKey = presentedCaller(new Headers({ "X-MBX-APIKEY": "virtual-key-0000000001" }), clients);
    expect((await apiKey.client())?.name).toBe("bot");
  });

  it("does not take a virtual API key for a token, nor a token for a key", async () => {
    const clients = await registry();
    const crossed = presentedCaller(new Headers({ Authorization: "Bearer virtual-key-0000000001" }), clients);
    expect(crossed.credential?.kind).toBe("token");
    expect(await crossed.client()).toBeNull();
  });

  it("looks the credential up once, however often a route asks", async () => {
    const caller = presentedCaller(
      new Headers({ "X-MBX-APIKEY": "virtual-key-0000000001" }),
      await registry(),
    );
    expect(caller.client()).toBe(caller.client());
  });

  it("has no client while the options did not load, though the credential is still read", async () => {
    const caller = presentedCaller(new Headers({ Authorization: "Bearer bearer-token-00000000001" }), null);
    expect(caller.credential).toEqual({ kind: "token", value: "bearer-token-00000000001" });
    expect(await caller.client()).toBeNull();
  });
});
