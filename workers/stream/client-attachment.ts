// Reading a relay client socket's attachment after the object restarted. Sockets accepted by an earlier
// version kept their subscriptions in the attachment itself (beyond what 16 KiB holds for 1024 names); they are
// moved to the subscription store here and the attachment rewritten.

import type { ClientAttachment, SubscriptionStore } from "./relay-clients.ts";

/** The socket's attachment, or null if it is not one of the relay's (the socket is then closed). */
export function attachmentOf(ws: WebSocket, store: SubscriptionStore): ClientAttachment | null {
  const raw = ws.deserializeAttachment() as Partial<ClientAttachment> & { streams?: unknown };
  if (raw === null || typeof raw !== "object" || typeof raw.client !== "string") return null;
  if (typeof raw.id === "string") return raw as ClientAttachment;
  if (!Array.isArray(raw.streams)) return null;
  const attachment: ClientAttachment = {
    id: crypto.randomUUID(),
    client: raw.client,
    combined: raw.combined === true,
    relayEvents: raw.relayEvents === true,
  };
  store.add(
    attachment.id,
    raw.streams.filter((s): s is string => typeof s === "string"),
  );
  ws.serializeAttachment(attachment);
  return attachment;
}
