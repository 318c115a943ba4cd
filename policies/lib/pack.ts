/**
 * The pack's identity: its one home. index.ts names the PolicyPack with it, the in-process harness quotes
 * it like the engine does, and the tools (tools/lib/pack.ts) match engine events against it.
 */
import pkg from "../package.json";

export const PACK_NAME = "verscienta-hipaa";
export const PACK_VERSION: string = pkg.version;
