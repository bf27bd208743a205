// Copies the built SDK (dist/*.js) into demo/sdk/ so that the demo folder is self-contained
// when an edge serves it as its static root. Part of `npm run build`.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'dist');
const target = join(root, 'demo', 'sdk');
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
let copied = 0;
for (const name of readdirSync(source)) {
  if (name.endsWith('.js')) {
    copyFileSync(join(source, name), join(target, name));
    copied++;
  }
}
console.log(`copied ${copied} files from dist/ to demo/sdk/`);
