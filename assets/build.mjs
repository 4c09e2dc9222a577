// Builds static/build/: our stylesheet (GOV.UK Frontend's parts we use, compiled with our settings),
// our script bundled with the GOV.UK components it starts, and the favicon. Run by `npm run build`
// (the Makefile does it).
//
// Each file is named with a hash of its content (app.<hash>.css), so the app can tell browsers to keep
// it for a year: a changed file gets a new name. manifest.json maps each plain name to the hashed one
// for the templates (directory/web/assets.py). Gzip and Brotli copies sit beside each file, made once
// here so that serving them (WhiteNoise) costs no CPU per request.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";
import { compile } from "sass";

const out = "static/build";
rmSync(out, { recursive: true, force: true }); // no stale hashed files left to serve
mkdirSync(out, { recursive: true });
const manifest = {};

function publish(name, content) {
  const bytes = Buffer.from(content);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const hashed = name.replace(/(\.[a-z]+)$/, `.${hash}$1`);
  writeFileSync(`${out}/${hashed}`, bytes);
  writeFileSync(`${out}/${hashed}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${out}/${hashed}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  manifest[name] = hashed;
}

const css = compile("assets/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
});
publish("app.css", css.css);

const script = await build({
  entryPoints: ["assets/app.mjs"],
  bundle: true, // one request, no second round trip for the GOV.UK components it imports
  minify: true,
  format: "esm",
  target: "es2020",
  write: false,
});
publish("app.js", script.outputFiles[0].contents);

publish("favicon.svg", readFileSync("assets/favicon.svg"));

writeFileSync(`${out}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
console.log(`built ${out}`);
