// Bundles the dashboard's front end: src/main.tsx -> app.js (one file, minified, with a source map),
// plus the static files (index.html, styles.css). The Maven build passes --outdir=target/classes/dashboard-web
// so the jar serves them; `npm run build` alone writes dist/.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const outArg = process.argv.find((a) => a.startsWith('--outdir='));
const outdir = outArg ? outArg.slice('--outdir='.length) : 'dist';
mkdirSync(outdir, { recursive: true });

await esbuild.build({
  entryPoints: ['src/main.tsx'],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${outdir}/app.js`,
  logLevel: 'warning',
});
cpSync('static', outdir, { recursive: true });
