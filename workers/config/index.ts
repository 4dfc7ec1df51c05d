// The one place that reads configuration: every var is read here, once per isolate (again only when its raw
// value changes), checked and typed. The parts: the gateway's options (gateway.ts), the egress object's
// (egress.ts), the relay's and the user stream object's (relay.ts), and what several of them share (parts.ts).

export { type EgressOptions, egressOptionsOf } from "./egress.ts";
export { type GatewayOptions, loadGatewayOptions, type RelayAccessOptions } from "./gateway.ts";
export {
  accountsOf,
  hooksOf,
  logLevelOf,
  placementOf,
  type RelayKeyConfig,
  relayKeyConfigOf,
} from "./parts.ts";
export {
  type RelayOptions,
  relayOptionsOf,
  relayOptionsOrNull,
  type UserStreamOptions,
  userStreamOptionsOf,
} from "./relay.ts";
