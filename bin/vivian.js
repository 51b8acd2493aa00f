#!/usr/bin/env -S node --max-semi-space-size=256
// A 64 MiB young generation: block execution makes many short-lived objects, and the default (16-32 MiB)
// collects so often that a transfer spends about a sixth of its time in the scavenger.
// The `vivian` command: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/chain/cli/main.js';
await main(process.argv);
