#!/usr/bin/env node
// Installed entry point: run the TypeScript command line through tsx's loader.
require('tsx/cjs');
require('../src/cli/aisre.ts');
