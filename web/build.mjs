// Builds the pages the nodes serve: each page's script and style bundled by esbuild under a
// content-hashed name (cached for a year by browsers), and its HTML with those names filled in
// (never cached). Usage: node build.mjs OUTDIR (Maven passes target/classes/io/shardcast/web).
import * as esbuild from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const out = path.resolve(process.argv[2] ?? 'target/web');
// Each page: its entry point and its title. All share pages/page.html.
const pages = {
  live: { entry: 'src/viewer/main.jsx', title: 'Shardcast live' },
  host: { entry: 'src/host/main.jsx', title: 'Shardcast host console' },
  ops: { entry: 'src/ops/main.jsx', title: 'Shardcast ops' },
};

await rm(out, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: Object.fromEntries(Object.entries(pages).map(([name, p]) => [name, p.entry])),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'safari15', 'firefox100'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: path.join(out, 'assets'),
  metafile: true,
  legalComments: 'external',
  logLevel: 'warning',
});

await mkdir(path.join(out, 'pages'), { recursive: true });
const template = await readFile('pages/page.html', 'utf8');
for (const [name, page] of Object.entries(pages)) {
  const [file, meta] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === page.entry);
  const asset = f => '/assets/' + path.basename(f);
  const html = template.replaceAll('%TITLE%', page.title).replace('%SCRIPT%', asset(file))
    .replace('%STYLE%', asset(meta.cssBundle));
  await writeFile(path.join(out, 'pages', `${name}.html`), html);
}
console.log(`web: built ${Object.keys(pages).join(', ')} into ${out}`);
