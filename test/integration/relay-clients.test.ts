// The relay's client registry on its own (no relay object, no network), with sockets that report a send buffer: fan-out hands clients that
// fall behind to the relay and keeps serving the rest, and shares count distinct market streams per caller.
import { describe, expect, it } from "vitest";
import type {
  ClientAttachment,
  LagBound,
  RelayClient,
  SubscriptionStore,
} from "../../workers/stream/relay-client.ts";
import { RelayClients } from "../../workers/stream/relay-clients.ts";

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

function setUp(maxBytes: number, perCaller = Number.POSITIVE_INFINITY) {
  const clients = new RelayClients(memoryStore(), { counted: (stream) => stream.includes("@") });
  const lagging: RelayClient[] = [];
  const bounds: LagBound[] = [];
  clients.watchBacklog({ perClient: maxBytes, perCaller }, (client, bound) => {
    lagging.push(client);
    bounds.push(bound);
    clients.delete(client.ws);
  });
  const add = (
    socket: FakeSocket,
    streams: string[],
    share = "client:a",
    settings: Pick<ClientAttachment, "batch"> = {},
  ) => {
    const state: ClientAttachment = {
      id: crypto.randomUUID(),
      client: "a",
      combined: false,
      relayEvents: false,
      share,
      ...settings,
    };
    clients.add(socket as unknown as WebSocket, state, streams);
    return socket;
  };
  return { clients, lagging, bounds, add };
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
    clients.watch(client, 20);
    clients.watch(client, 20);
    expect(lagging).toHaveLength(1);
  });
});

describe("batched clients", () => {
  it("get held messages in one frame when their window runs out, and a reply at once after them", async () => {
    const { clients, add } = setUp(Number.POSITIVE_INFINITY);
    const batched = add(new FakeSocket(0), ["btcusdt@aggTrade"], "client:a", { batch: 5 });
    clients.forward("btcusdt@aggTrade", FRAME);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(batched.sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const payload = `{"e":"aggTrade","p":"1"}`;
    expect(batched.sent).toEqual([`${payload}\n${payload}`]);
    clients.forward("btcusdt@aggTrade", FRAME);
    const client = clients.get(batched as unknown as WebSocket);
    if (client === undefined) throw new Error("not registered");
    clients.reply(client, '{"result":null,"id":1}');
    expect(batched.sent).toEqual([`${payload}\n${payload}`, `${payload}\n{"result":null,"id":1}`]);
  });

  it("count what is held for them as unread: a batched reader is handed over past the bound", () => {
    // Each raw payload is 25 characters, held with a newline between: the third takes the held text past 60.
    const { clients, lagging, add } = setUp(60);
    const batched = add(new FakeSocket(0), ["btcusdt@aggTrade"], "client:a", { batch: 100 });
    clients.forward("btcusdt@aggTrade", FRAME);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging).toEqual([]);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging.map((client) => client.ws)).toEqual([batched]);
    expect(batched.sent).toEqual([]);
  });
});

describe("a caller's sockets together", () => {
  // Each raw payload is 25 characters: a socket growing 4096 bytes a character falls 100 KiB behind a frame. Only
  // what a socket held beyond 64 KiB before a frame counts against its caller (a healthy reader's burst does not).
  it("hand over the caller's socket furthest behind once they pass the caller's bound, and no one else", () => {
    const { clients, lagging, bounds, add } = setUp(1e9, 300_000);
    const furthest = add(new FakeSocket(8192), ["btcusdt@aggTrade"]);
    const behind = add(new FakeSocket(4096), ["btcusdt@aggTrade"]);
    const reading = add(new FakeSocket(0), ["btcusdt@aggTrade"]);
    const other = add(new FakeSocket(4096), ["btcusdt@aggTrade"], "client:b");
    clients.forward("btcusdt@aggTrade", FRAME);
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging).toEqual([]);
    // Before the third frame: 400 KiB and 200 KiB behind, 336 KiB and 136 KiB of it counted, past 300 000.
    clients.forward("btcusdt@aggTrade", FRAME);
    expect(lagging.map((client) => client.ws)).toEqual([furthest]);
    expect(bounds).toEqual(["caller"]);
    // The rest, another caller as far behind as the second included, stay within their bounds.
    clients.forward("btcusdt@aggTrade", FRAME);
    expect([behind, reading, other].map((socket) => socket.sent.length)).toEqual([4, 4, 4]);
  });

  it("go on counting a socket closed as too slow until its close completes, refusing the caller more", () => {
    const { clients, bounds, add } = setUp(250_000, 300_000);
    const slow = [
      add(new FakeSocket(4096), ["btcusdt@aggTrade"]),
      add(new FakeSocket(4096), ["btcusdt@aggTrade"]),
    ];
    for (let i = 0; i < 3; i++) clients.forward("btcusdt@aggTrade", FRAME);
    // Each was closed at 300 KiB behind (its own bound) and still holds it: 2 x 236 KiB counted.
    expect([clients.size, bounds]).toEqual([0, ["client", "client"]]);
    const live = () => new Set(slow as unknown as WebSocket[]);
    expect(clients.overBacklog("client:a", live)).toBe(true);
    expect(clients.overBacklog("client:b", live)).toBe(false);
    clients.released(slow[0] as unknown as WebSocket);
    expect(clients.overBacklog("client:a", live)).toBe(false);
    // A socket the runtime no longer lists is gone too, close event or not.
    const third = add(new FakeSocket(4096), ["btcusdt@aggTrade"]);
    const fourth = add(new FakeSocket(4096), ["btcusdt@aggTrade"]);
    for (let i = 0; i < 3; i++) clients.forward("btcusdt@aggTrade", FRAME);
    expect(clients.overBacklog("client:a", () => new Set([...live(), third as unknown as WebSocket]))).toBe(
      true,
    );
    expect(clients.overBacklog("client:a", () => new Set([fourth as unknown as WebSocket]))).toBe(false);
  });

  it("do not count what readers keeping up hold for a moment, however many they are", () => {
    const { clients, lagging, add } = setUp(1e9, 65_536);
    // A thousand readers, each still writing out 50 KB of the last frame when the next one comes (a burst).
    const readers = Array.from({ length: 1000 }, () => add(new FakeSocket(2400), ["btcusdt@aggTrade"]));
    for (let i = 0; i < 3; i++) {
      clients.forward("btcusdt@aggTrade", FRAME);
      for (const reader of readers) reader.bufferedAmount = 50_000;
    }
    expect(lagging).toEqual([]);
  });
});

describe("messages", () => {
  it("count against the socket's budget and its caller's, across the caller's sockets", () => {
    const { clients, add } = setUp(1e9);
    const [one, two, other] = [
      add(new FakeSocket(), []),
      add(new FakeSocket(), []),
      add(new FakeSocket(), []),
    ];
    const clientOf = (socket: FakeSocket) => {
      const client = clients.get(socket as unknown as WebSocket);
      if (client === undefined) throw new Error("not registered");
      return client;
    };
    clientOf(other).state.caller = "client:b";
    const limits = { perClient: 10, perCaller: 12 };
    const verdicts = (socket: FakeSocket, count: number) =>
      Array.from({ length: count }, () => clients.meter(clientOf(socket), limits, 1000));
    expect(verdicts(one, 8)).toEqual(Array(8).fill("ok"));
    // The second socket is within its own budget, but the caller's runs out after four more.
    expect(verdicts(two, 6)).toEqual([...Array(4).fill("ok"), "over", "over"]);
    expect(verdicts(other, 1)).toEqual(["ok"]);
    // Three times the caller's budget: closed, whichever socket sends it.
    expect(verdicts(two, 23).at(-1)).toBe("abusive");
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
