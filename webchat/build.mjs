// Build the widget into dist/: one self-contained script (socket.io-client bundled in),
// its stylesheet, and the demo clinic page. Run by ops/setup.sh (`npm run build`).
import { build } from "esbuild";
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await build({
  entryPoints: [path.join(here, "src", "widget.js")],
  outfile: path.join(dist, "widget.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  sourcemap: false,
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

await build({
  entryPoints: [path.join(here, "src", "widget.css")],
  outfile: path.join(dist, "widget.css"),
  minify: true,
  logLevel: "warning",
});

for (const name of await readdir(path.join(here, "demo"))) {
  await copyFile(path.join(here, "demo", name), path.join(dist, name));
}
console.log(`web chat built into ${path.relative(process.cwd(), dist) || "."}/: ${(await readdir(dist)).join(", ")}`);
