// The relay's client registry on its own (no relay object, no network), with sockets that report a send buffer: fan-out hands clients that
// fall behind to the relay and keeps serving the rest, and shares count distinct market streams per caller.
import { describe, expect, it } from "vitest";
import {
  type ClientAttachment,
  type RelayClient,
  RelayClients,
  type SubscriptionStore,
} from "../../workers/stream/relay-clients.ts";

class FakeSocket {
  readonly sent: string[] = [];
  /** What the runtime would report; undefined as on a runtime without bufferedAmount. */
  bufferedAmount: number | undefined = 0;
  /** Bytes each send adds to the buffer per character (the peer reads nothing), or 0. */
  readonly growth: number;
  constructor(growth = 0) {
    this.growth = growth;
  }
  send(text: string): void {
    this.sent.push(text);
    if (this.bufferedAmount !== undefined) this.bufferedAmount += this.growth * text.length;
  }
  serializeAttachment(): void {}
}

const memoryStore = (): SubscriptionStore => {
  const rows = new Map<string, string[]>();
  return {
    load: (id) => rows.get(id) ?? [],
    add: (id, streams) => rows.set(id, [...(rows.get(id) ?? []), ...streams]),
    remove: (id, streams) =>
      rows.set(
        id,
        (rows.get(id) ?? []).filter((s) => !streams.includes(s)),
      ),
  };
};

function setUp(maxBytes: number) {
  const clients = new RelayClients(memoryStore(), { counted: (stream) => stream.includes("@") });
  const lagging: RelayClient[] = [];
  clients.watchBacklog(maxBytes, (client) => {
    lagging.push(client);
    clients.delete(client.ws);
  });
  const add = (socket: FakeSocket, streams: string[], share = "client:a") => {
    const state: ClientAttachment = {
      id: crypto.randomUUID(),
      client: "a",
      combined: false,
      relayEvents: false,
      share,
    };
    clients.add(socket as unknown as WebSocket, state, streams);
    return socket;
  };
  return { clients, lagging, add };
}

const FRAME = `{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","p":"1"}}`;

describe("fan-out and slow readers", () => {
  it("hands a client over once its buffer passes the bound, after the frame reached everyone", () => {
    // Each raw payload is 25 bytes: the third frame takes the slow socket past 60.
    const { clients, lagging, add } = setUp(60);
    const slow = add(new FakeSocket(1), ["btcusdt@aggTrade"]);
    const fast = add(new FakeSocket(0), ["btcusdt@aggTrade"]);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging).toEqual([]);
    clients.forward("btcusdt@aggTrade", FRAME);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging.map((client) => client.ws)).toEqual([slow]);
    expect(fast.sent).toHaveLength(3);
    // Dropped: nothing more queues for it, and its stream is still served to the others.
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(slow.sent).toHaveLength(3);
    expect(fast.sent).toHaveLength(4);
  });

  it("watches nothing on a runtime without bufferedAmount", () => {
    const { clients, lagging, add } = setUp(1);
    const socket = new FakeSocket(1);
    socket.bufferedAmount = undefined;
    add(socket, ["btcusdt@aggTrade"]);
    for (let i = 0; i < 10; i++) clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging).toEqual([]);
  });

  it("hands over a client its replies put behind, once", () => {
    const { clients, lagging, add } = setUp(10);
    const socket = add(new FakeSocket(1), []);
    const client = clients.get(socket as unknown as WebSocket);
    if (client === undefined) throw new Error("not registered");
    socket.send('{"result":[],"id":1}');
    clients.watch(client);
    clients.watch(client);
    expect(lagging).toHaveLength(1);
  });
});

describe("shares", () => {
  it("count each share's distinct market streams across its sockets, not listen keys, and free them on close", () => {
    const { clients, add } = setUp(1e9);
    const one = add(new FakeSocket(), ["btcusdt@aggTrade", "ethusdt@aggTrade", "AbCdlistenkey"]);
    add(new FakeSocket(), ["btcusdt@aggTrade", "btcusdt@depth"]);
    add(new FakeSocket(), ["btcusdt@aggTrade"], "public");
    expect(clients.shares.size("client:a")).toBe(3);
    expect(clients.shares.size("public")).toBe(1);
    clients.delete(one as unknown as WebSocket);
    expect(clients.shares.size("client:a")).toBe(2);
  });
});
