// Every vector of ../shared/binance/signing-vectors.json (copied into test/support/fixtures), run in Node and in workerd.
import { describe, expect, it } from "vitest";
import { encodeParams, parseParams } from "../../../shared/encoding/query.ts";
import { createSigner, type SigningCredential } from "../../../shared/signing/signer.ts";
import vectors from "../../support/fixtures/signing-vectors.json" with { type: "json" };

type KeyName = keyof typeof vectors.keys;

function credentialFor(vector: { secret?: string; key?: string }): SigningCredential {
  if (vector.secret !== undefined) return { kind: "hmac", secret: vector.secret };
  const key = vectors.keys[vector.key as KeyName];
  return typeof key === "string"
    ? { kind: "private-key", pem: key }
    : { kind: "private-key", pem: key.pem, passphrase: key.passphrase };
}

function expectedSignature(signature: string): string {
  const sameAs = /^same-as:(.+)$/.exec(signature)?.[1];
  const target = vectors.vectors.find((v) => v.id === sameAs);
  return target ? target.signature : signature;
}

async function signWith(credential: SigningCredential, payload: string): Promise<string> {
  const signer = await createSigner(credential);
  if (!signer.ok) throw new Error(`key did not load: ${JSON.stringify(signer.error)}`);
  return signer.value.sign(payload);
}

describe("signing vectors", () => {
  for (const vector of vectors.vectors) {
    it(`reproduces ${vector.id} (${vector.algorithm})`, async () => {
      expect(await signWith(credentialFor(vector), vector.payload)).toBe(expectedSignature(vector.signature));
    });
  }

  it("detects the key type from the key itself", async () => {
    const cases: [KeyName, string][] = [
      ["rsa_pkcs8", "rsa"],
      ["rsa_pkcs1", "rsa"],
      ["rsa_pkcs8_encrypted", "rsa"],
      ["ed25519_pkcs8", "ed25519"],
    ];
    for (const [name, kind] of cases) {
      const signer = await createSigner(credentialFor({ key: name }));
      expect(signer.ok && signer.value.kind).toBe(kind);
    }
  });
});

describe("full signed requests of the reference connector", () => {
  const spotSecret = vectors.vectors.find((v) => v.id === "hmac-spot-doc")?.secret ?? "";
  for (const example of vectors.requests.examples) {
    it(`rebuilds: ${example.call}`, async () => {
      const url = new URL(example.url);
      const rawQuery = example.url.slice(example.url.indexOf("?") + 1);
      const parsed = parseParams(rawQuery);
      if (!parsed.ok) throw new Error("fixture query did not parse");
      const params = parsed.value.filter(([name]) => name !== "signature");
      const signature = parsed.value.find(([name]) => name === "signature")?.[1];
      // Decoding and re-encoding the parameters gives the connector's exact bytes back.
      const unsigned = encodeParams(params);
      expect(rawQuery.startsWith(unsigned)).toBe(true);
      if (signature === undefined) {
        expect(unsigned).toBe(rawQuery);
        return;
      }
      const credential: SigningCredential = example.call.includes("rsa_pkcs8")
        ? { kind: "private-key", pem: vectors.keys.rsa_pkcs8 }
        : { kind: "hmac", secret: spotSecret };
      const signed = encodeParams([...params, ["signature", await signWith(credential, unsigned)]]);
      expect(`${url.origin}${url.pathname}?${signed}`).toBe(example.url);
    });
  }
});
