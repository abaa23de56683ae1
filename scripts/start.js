/* global process, console */
/**
 * Runs an entry point of the production build in this process: `node scripts/start.js server/main --role=worker`
 * runs dist/server/main.js with `--role=worker`. `npm start` and `npm run sync-worker` go through here, so a
 * missing build is a sentence saying how to make one rather than a module-not-found stack.
 *
 * Plain JavaScript, and in this process (not a child): a supervisor's signals reach the bridge itself.
 */
const fs = require('node:fs');
const path = require('node:path');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('Usage: node scripts/start.js <entry point, e.g. server/main> [arguments]');
  process.exit(2);
}
const compiled = path.join(__dirname, '..', 'dist', `${entry}.js`);
if (!fs.existsSync(compiled)) {
  console.error(
    `The bridge is not built: ${path.relative(process.cwd(), compiled) || compiled} is missing.\n` +
      'Run `npm run build` first (it compiles server/, src/ and migrations/ into dist/), then start again.',
  );
  process.exit(1);
}
// The entry point reads its arguments from process.argv, as if node had been started on it.
process.argv = [process.argv[0], compiled, ...args];
require(compiled);
