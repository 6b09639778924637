// Loaded by mocha (.mocharc.json) in every process that runs test files, before them. Node's
// compile cache (V8 code for every module, keyed by the module's source) for this process and every
// Node process the tests start (plan, verify and e2e runs, the fake CLIs): most of a process's
// start-up is compiling @pulumi/pulumi and the providers, and a cache entry is only used for the
// exact source it was made from, so a fresh clone starts empty and gets the same answers.
import { enableCompileCache } from "node:module";
import * as path from "node:path";

const cache = path.resolve(__dirname, "..", "node_modules", ".cache", "node-compile-cache");
process.env.NODE_COMPILE_CACHE ??= cache;
enableCompileCache(process.env.NODE_COMPILE_CACHE);
