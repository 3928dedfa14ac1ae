// The CLI for tests that need a real process (signals): `node --import tsx test/helpers/cli-entry.ts <args>`.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
