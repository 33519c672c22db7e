// Build the widget into dist/ (run by ops/setup.sh as `npm run build`):
//
//   widget.js              the loader sites embed: small, stable name, served with revalidation;
//                          shows the launcher and fetches the two files below in parallel
//   widget.<hash>.js       the chat (socket.io-client bundled in)   } content hash in the name:
//   widget.<hash>.css      its stylesheet                           } cached for a year, immutable
//   *.gz, *.br             precompressed copies, served to browsers that accept them
//   manifest.json          the hashed names and the measured sizes
//   index.html, demo.css   the demo clinic page
//
// The build fails when a file's gzipped size is over its budget below: the widget is loaded on
// every page of the clinic's site, often on a phone link.
import { build, transform } from "esbuild";
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

// Gzipped bytes each file may have: about 15 % above what they measured when the budget was set
// (loader 3.0 kB, chat 19.4 kB, styles 2.2 kB; README.md has the current figures).
export const BUDGET = {
  "widget.js": 3.5 * 1024,
  script: 22 * 1024,
  styles: 2.5 * 1024,
};

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, "src");
const dist = path.join(here, "dist");
const target = ["es2020", "chrome90", "firefox90", "safari15"];

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

/** Build one entry point with a content hash in its name; return that name. */
async function hashed(entry, options) {
  const result = await build({
    entryPoints: { widget: path.join(src, entry) },
    outdir: dist,
    entryNames: "[name].[hash]",
    bundle: true,
    minify: true,
    metafile: true,
    logLevel: "warning",
    ...options,
  });
  const [output] = Object.keys(result.metafile.outputs);
  return path.basename(output);
}

const script = await hashed("widget.js", {
  format: "iife",
  platform: "browser",
  target,
  sourcemap: false,
  legalComments: "eof",
  define: { "process.env.NODE_ENV": '"production"' },
});
const styles = await hashed("widget.css", { target });
const critical = await transform(await readFile(path.join(src, "launcher.css"), "utf8"), {
  loader: "css",
  minify: true,
  target,
});

await build({
  entryPoints: [path.join(src, "loader.js")],
  outfile: path.join(dist, "widget.js"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target,
  minify: true,
  legalComments: "none",
  define: {
    __CLINIC_CHAT_SCRIPT__: JSON.stringify(script),
    __CLINIC_CHAT_STYLES__: JSON.stringify(styles),
    __CLINIC_CHAT_CRITICAL_CSS__: JSON.stringify(critical.code.trim()),
  },
  logLevel: "warning",
});

for (const name of await readdir(path.join(here, "demo"))) {
  await copyFile(path.join(here, "demo", name), path.join(dist, name));
}

// Precompressed copies of the static files (index.html is filled in per request by the server,
// which compresses it then).
const sizes = {};
for (const name of await readdir(dist)) {
  if (!/\.(js|css)$/.test(name)) continue;
  const data = await readFile(path.join(dist, name));
  const gzip = gzipSync(data, { level: 9 });
  const brotli = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  await writeFile(path.join(dist, `${name}.gz`), gzip);
  await writeFile(path.join(dist, `${name}.br`), brotli);
  sizes[name] = { raw: data.length, gzip: gzip.length, brotli: brotli.length };
}

await writeFile(
  path.join(dist, "manifest.json"),
  `${JSON.stringify({ loader: "widget.js", script, styles, sizes, budget: BUDGET }, null, 2)}\n`,
);

const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const checks = [
  ["widget.js", "widget.js"],
  [script, "script"],
  [styles, "styles"],
];
const over = [];
for (const [name, key] of checks) {
  const { raw, gzip, brotli } = sizes[name];
  const line = `  ${name.padEnd(24)} ${kB(raw).padStart(8)}  gzip ${kB(gzip).padStart(8)}` +
    `  brotli ${kB(brotli).padStart(8)}  (budget ${kB(BUDGET[key])} gzipped)`;
  console.log(line);
  if (gzip > BUDGET[key]) over.push(`${name}: ${kB(gzip)} gzipped, budget ${kB(BUDGET[key])}`);
}
const total = checks.reduce((sum, [name]) => sum + sizes[name].gzip, 0);
console.log(`  ${"total".padEnd(24)} ${"".padStart(8)}  gzip ${kB(total).padStart(8)}`);
if (over.length) {
  console.error(`web chat build: over the size budget (build.mjs, BUDGET):\n  ${over.join("\n  ")}`);
  process.exit(1);
}
console.log(`web chat built into ${path.relative(process.cwd(), dist) || "."}/`);
