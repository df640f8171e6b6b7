#!/usr/bin/env node
// The `dateline` command (package.json "bin"): runs src/cli/dateline.ts through tsx, resolved from this
// package rather than the caller's directory, so it works wherever it is started.
import { register } from 'tsx/esm/api';

register();
await import('./dateline.ts');
