// Where a Durable Object is created: BINANCE_LOCATION_HINT, when set, so calls to Binance leave from a region it
// serves. The hint only applies when an object is created, so object names carry it too.

export function placement(hint: string | null): DurableObjectNamespaceGetDurableObjectOptions | undefined {
  return hint === null ? undefined : { locationHint: hint as DurableObjectLocationHint };
}
