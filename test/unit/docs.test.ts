// The docs stay true: the configuration table (docs/configuration.md) names every var in wrangler.toml (with the
// same default) and every secret the Worker reads, .dev.vars.example shows every secret, and CI runs the README's
// test command.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const readme = read("README.md");
const configuration = read("docs/configuration.md");
const wrangler = read("wrangler.toml");

function wranglerVars(): Map<string, string> {
  const section = /\[vars\]\n([\s\S]*?)\n\[/.exec(wrangler)?.[1] ?? "";
  return new Map([...section.matchAll(/^([A-Z_]+) = "(.*)"$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

function secretNames(): string[] {
  const env = read("workers/env.ts");
  return [...env.matchAll(/readonly ([A-Z_]+)\?: string;/g)].map((m) => m[1] ?? "").concat("GATEWAY_CLIENTS");
}

function tableRows(): Map<string, { kind: string; fallback: string }> {
  const rows = [...configuration.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(var|secret)\s*\|\s*([^|]+?)\s*\|/gm)];
  return new Map(rows.map((m) => [m[1] ?? "", { kind: m[2] ?? "", fallback: (m[3] ?? "").trim() }]));
}

describe("README configuration table", () => {
  it("lists every var of wrangler.toml with its default", () => {
    const rows = tableRows();
    for (const [name, value] of wranglerVars()) {
      expect(rows.get(name), name).toEqual({
        kind: "var",
        fallback: value === "" ? "empty" : `\`${value}\``,
      });
    }
  });

  it("lists every secret the Worker reads, and nothing that does not exist", () => {
    const rows = tableRows();
    const secrets = secretNames();
    for (const name of secrets) expect(rows.get(name)?.kind, name).toBe("secret");
    for (const name of rows.keys()) expect([...wranglerVars().keys(), ...secrets], name).toContain(name);
  });

  it("is matched by .dev.vars.example, which shows every secret", () => {
    const example = read(".dev.vars.example");
    for (const name of secretNames()) expect(example, name).toContain(name);
  });
});

describe("Quickstart", () => {
  const block = /## Quickstart[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const lines = block.trim().split("\n");

  it("is two command lines, each doing its own install", () => {
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^npm install && npm run dev\b/);
    expect(lines[1]).toMatch(/^npm install && npm test\b/);
  });

  it("has CI run the README's test command", () => {
    expect(read(".ci/run")).toMatch(/^npm test$/m);
  });
});
