// The fields of a structured log line. Pure modules that return "log" actions (the relay's lanes, the listen-key
// lifecycle) and the Worker's logger (workers/log.ts) share this one definition. Only safe fields: paths without
// query strings, client names, statuses, timings; never parameters, keys or signatures.

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;
