// Builds static/build/: GOV.UK Frontend compiled with our settings, its JavaScript
// and images, and our own script. Run by `npm run build` (the Makefile does it).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { compile } from "sass";

const out = "static/build";
mkdirSync(`${out}/govuk/assets`, { recursive: true });

const css = compile("assets/app.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/app.css`, css.css);

const govuk = "node_modules/govuk-frontend/dist/govuk";
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk/govuk-frontend.min.js`);
cpSync(`${govuk}/assets/images`, `${out}/govuk/assets/images`, { recursive: true });
cpSync("assets/app.mjs", `${out}/app.mjs`);
console.log(`built ${out}`);
