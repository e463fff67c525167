#!/usr/bin/env node
// The coordinator runs from its TypeScript sources: tsx compiles them on load, so `npx airlora` works right after
// `npm install` with no build step for the server.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
