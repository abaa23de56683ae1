/**
 * Runs the Salesforce emulator on its own: `npx tsx test/emulators/salesforce/main.ts [--seed]`.
 * Port from SALESFORCE_EMULATOR_PORT (default 4200). `npm run emulators` starts both emulators.
 */

import { startSalesforceEmulator } from './index';

async function main(): Promise<void> {
  const port = Number(process.env.SALESFORCE_EMULATOR_PORT ?? 4200);
  const emulator = await startSalesforceEmulator({ port, seed: process.argv.includes('--seed') });
  console.log(`Salesforce emulator: ${emulator.baseUrl} (sandbox login: ${emulator.sandboxLoginUrl})`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
