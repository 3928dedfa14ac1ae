#!/usr/bin/env node
import { loadCli } from './load-cli.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv);
