// Credentials that travel in a relay URL's path: a `/k/<credential>/` prefix (for clients that can only append
// `/ws` to a base URL) and relay listen keys (`/ws/<key>`, `/private/ws/<key>`). Request logs print paths, so
// a line about a connection is shown with these replaced. Query strings are not touched here: the runtime's
// request log prints the path only, and the gateway's own log lines carry no URL at all.

const PATH_CREDENTIAL = /\/k\/[^/\s?#]+/g;
const LISTEN_KEY_SEGMENT = /\/[A-Za-z0-9]{64}(?=[/\s?#]|$)/g;

export function redactCredentials(text: string): string {
  return text.replace(PATH_CREDENTIAL, "/k/<credential>").replace(LISTEN_KEY_SEGMENT, "/<listen key>");
}
