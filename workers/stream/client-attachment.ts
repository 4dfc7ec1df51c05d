// The relay's client sockets after the object restarted (deploy, eviction): hibernated sockets are still
// connected and are registered again from their attachments. Sockets accepted by an earlier version kept their
// subscriptions in the attachment itself (beyond what 16 KiB holds for 1024 names); they are moved to the
// subscription store here and the attachment rewritten.

import type { ClientAttachment, SubscriptionStore } from "./relay-client.ts";
import type { RelayClients } from "./relay-clients.ts";
import type { RelayStorage } from "./relay-storage.ts";

/**
 * Registers the sockets again with their subscriptions, closes any that is not the relay's, and forgets the
 * subscriptions of sockets that closed while the object was not running.
 */
export function restoreClients(
  sockets: readonly WebSocket[],
  clients: RelayClients,
  storage: RelayStorage,
): void {
  const live = new Set<string>();
  for (const ws of sockets) {
    const attachment = attachmentOf(ws, storage);
    if (attachment === null) {
      ws.close(1012, "relay restarted");
      continue;
    }
    live.add(attachment.id);
    clients.restore(ws, attachment);
  }
  storage.keepSockets(live);
}

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
