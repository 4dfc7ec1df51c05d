// The tree keeps its shape: no import cycle among product modules, no product file past 400 lines (the endpoint
// catalog's data tables aside), configuration read in workers/config alone, and shared/ imports nothing outside itself (the linter's override in biome.json
// fences the platform; this checks the folders too, whatever the import's spelling).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const PRODUCT = ["shared", "workers", "client", "web", "scripts"];
const DATA_TABLES = new Set(["shared/catalog/um.ts", "shared/catalog/cm.ts"]);
const MAX_LINES = 400;
/** The Worker's bindings (wrangler.toml): everything else on the env is configuration. */
const BINDINGS = new Set(["BINANCE_EGRESS", "MARKET_RELAY", "USER_STREAM", "ORDER_DESK", "ASSETS"]);

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", ...PRODUCT], {
  cwd: ROOT,
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file.endsWith(".ts"));
const text = new Map(files.map((file) => [file, readFileSync(join(ROOT, file), "utf8")]));

/** The product modules a file imports (type-only imports included: they tie the modules' meaning together). */
function importsOf(file: string): string[] {
  const source = text.get(file) ?? "";
  const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map(
    (m) => m[1] ?? "",
  );
  return specifiers.map((spec) => normalize(join(dirname(file), spec))).filter((target) => text.has(target));
}

/** Every strongly connected set of two or more modules (Tarjan), each a cycle or a knot of cycles. */
function cycles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of importsOf(file)) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || importsOf(file).includes(file)) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe("the tree's shape", () => {
  it("finds the product modules", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf("workers/index.ts").length).toBeGreaterThan(2);
  });

  it("has no import cycle", () => {
    expect(cycles()).toEqual([]);
  });

  it("has no product file over 400 lines, data tables aside", () => {
    const long = files
      .filter((file) => !DATA_TABLES.has(file))
      .map((file) => ({ file, lines: (text.get(file) ?? "").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it("reads configuration in workers/config alone", () => {
    const reads = files
      .filter((file) => file.startsWith("workers/") && !file.startsWith("workers/config/"))
      .flatMap((file) =>
        [...(text.get(file) ?? "").matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => `${file}: ${m[1]}`),
      )
      .filter((read) => !BINDINGS.has(read.split(": ")[1] ?? ""));
    expect(reads).toEqual([]);
  });

  it("keeps shared/ to itself", () => {
    const outside = files
      .filter((file) => file.startsWith("shared/"))
      .flatMap((file) => importsOf(file).map((target) => `${file} -> ${target}`))
      .filter((edge) => !edge.split(" -> ")[1]?.startsWith("shared/"));
    expect(outside).toEqual([]);
  });
});
