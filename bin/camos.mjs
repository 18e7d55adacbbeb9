#!/usr/bin/env node
// The camos CLI. TypeScript sources run through tsx; there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../host/cli/main.ts');
