// Copies the front-end packages' built files into static/vendor/ (run: npm install && npm run vendor).
// The copies are committed: the application serves them itself and never loads from a CDN.
import { copyFileSync, mkdirSync } from "node:fs";

const files = [
  ["@utrecht/design-tokens/dist/index.css", "utrecht/design-tokens.css"],
  ["@utrecht/component-library-css/dist/index.css", "utrecht/component-library.css"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
];
for (const [from, to] of files) {
  const target = `static/vendor/${to}`;
  mkdirSync(target.substring(0, target.lastIndexOf("/")), { recursive: true });
  copyFileSync(`node_modules/${from}`, target);
  console.log(`${from} -> ${target}`);
}
