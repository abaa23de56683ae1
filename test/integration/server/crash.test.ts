import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs a script in a process of its own with the entry points' crash handlers installed. */
function run(body: string): Promise<{ code: number | null; output: string }> {
  const script = `
    const pino = require('pino');
    const { exitOnUncaughtErrors } = require('./src/app/crash');
    exitOnUncaughtErrors('the test process', pino({ base: null }));
    // Would keep a process without handlers alive long after the error.
    setTimeout(() => console.log('still running'), 5000);
    ${body}
  `;
  return new Promise((resolve) => {
    const child = spawn(tsx, ['-e', script], { cwd: root, env: { PATH: process.env.PATH ?? '' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('an error nothing caught, in an entry point', () => {
  it.each([
    [
      'an exception thrown from a callback',
      `setTimeout(() => { throw new TypeError('boom in a callback'); }, 10);`,
    ],
    ['a rejected promise nobody awaits', `Promise.reject(new Error('boom in a promise'));`],
  ])('%s: logs one line and exits 1 for the supervisor', async (_name, body) => {
    const { code, output } = await run(body);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as { level: number; msg: string; err: { message: string } };
    expect(line.level).toBe(60);
    expect(line.msg).toMatch(
      /^the test process stopped on an unexpected error \((uncaughtException|unhandledRejection)\): boom/,
    );
    expect(output).not.toContain('still running');
  });
});
