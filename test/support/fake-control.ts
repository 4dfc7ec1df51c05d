// The fake exchange's HTTP control API, for tests that run inside workerd (and work from Node too).

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly apiKey: string | null;
  readonly signed: boolean;
  readonly status: number;
}

export function fakeControl(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${baseUrl}/__fake/${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`fake exchange control ${method} ${path}: ${response.status}`);
    const text = await response.text();
    return text === "" ? null : JSON.parse(text);
  };
  return {
    reset: () => call("POST", "reset"),
    setClockSkew: (skewMs: number) => call("POST", "clock", { skewMs }),
    injectFault: (fault: Record<string, unknown>) => call("POST", "faults", fault),
    clearFaults: () => call("DELETE", "faults"),
    requests: async () => (await call("GET", "requests")) as RecordedRequest[],
    orders: async (market: "um" | "cm") =>
      (await call("GET", `orders?market=${market}`)) as Record<string, unknown>[],
    /** The fake's order list as raw JSON text: order ids above 2^53 stay exact. */
    ordersText: async (market: "um" | "cm") =>
      (await fetch(`${baseUrl}/__fake/orders?market=${market}`)).text(),
  };
}
