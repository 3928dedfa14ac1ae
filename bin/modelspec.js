#!/usr/bin/env node
import { main } from '../dist/cli/main.bundle.js';

process.exitCode = await main(process.argv);
