// The one reader of the credential a request presents in its headers: `Authorization: Bearer <token>` first,
// else a (virtual) API key in X-MBX-APIKEY, as Binance's clients send it. Which client it belongs to is the
// registry's to say (shared/auth/registry.ts); this only says what was presented.

export interface PresentedCredential {
  readonly kind: "token" | "api-key";
  readonly value: string;
}

export function presentedCredential(headers: Headers): PresentedCredential | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("Authorization") ?? "")?.[1];
  if (bearer !== undefined) return { kind: "token", value: bearer };
  const apiKey = headers.get("X-MBX-APIKEY")?.trim();
  return apiKey === undefined || apiKey === "" ? null : { kind: "api-key", value: apiKey };
}
