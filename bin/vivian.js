#!/usr/bin/env node
// The `vivian` command: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/chain/cli/main.js';
await main(process.argv);
