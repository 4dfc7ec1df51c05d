// Signatures per second with cached (imported once) keys, through the gateway's own signer on WebCrypto.

import { createSigner, type SigningCredential } from "../shared/signing/signer.ts";
import { REAL_KEYS } from "../test/support/credentials.ts";

const PAYLOAD =
  "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=9000&newClientOrderId=gw-0123456789abcdef0123456789abcdef&recvWindow=5000&timestamp=1591702613943";

export const SIGNING_CASES: readonly (readonly [string, SigningCredential])[] = [
  ["HMAC-SHA256", { kind: "hmac", secret: REAL_KEYS.hmac.secret }],
  ["RSA-2048 (PKCS#1 v1.5)", { kind: "private-key", pem: REAL_KEYS.rsa.privateKeyPem }],
  ["Ed25519", { kind: "private-key", pem: REAL_KEYS.ed25519.privateKeyPem }],
];

export async function signaturesPerSecond(
  credential: SigningCredential,
  durationMs: number,
): Promise<number> {
  const signer = await createSigner(credential);
  if (!signer.ok) throw new Error(`key did not load: ${signer.error.kind}`);
  for (let i = 0; i < 50; i++) await signer.value.sign(PAYLOAD);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    await Promise.all(Array.from({ length: 16 }, () => signer.value.sign(PAYLOAD)));
    count += 16;
  }
  return (count / (performance.now() - started)) * 1000;
}
