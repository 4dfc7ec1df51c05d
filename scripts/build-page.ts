// Builds the market page the Worker serves as static assets: web/app.ts (with the shared client library and
// lightweight-charts) bundled for browsers into public/, next to web/index.html and web/style.css. Wrangler runs
// it before `wrangler dev` and `wrangler deploy` ([build] in wrangler.toml); `npm test` runs it too, since the
// Worker's config names public/ as its assets directory.

import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}public`;

await mkdir(out, { recursive: true });
await build({
  entryPoints: [`${root}web/app.ts`],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  outfile: `${out}/app.js`,
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "_headers"])
  await copyFile(`${root}web/${file}`, `${out}/${file}`);
