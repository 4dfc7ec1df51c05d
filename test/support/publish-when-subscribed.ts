// Publishing on the fake exchange once the relay holds a stream upstream (it subscribes asynchronously).

import type { fakeControl } from "./fake-control.ts";

export async function publishWhenSubscribed(
  fake: ReturnType<typeof fakeControl>,
  stream: string,
  count = 1,
): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const connections = await fake.streams.connections();
    if (connections.some((c) => c.closedAt === null && c.subscriptions.includes(stream)))
      return fake.streams.publish(stream, count);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${stream} never subscribed upstream`);
}
