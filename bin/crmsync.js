#!/usr/bin/env node
// Runs the TypeScript sources through tsx so a fresh clone needs no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
