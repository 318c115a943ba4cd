/** The pack's identity, shared by index.ts and the in-process harness (which quotes it like the engine). */
import pkg from "../package.json";

export const PACK_NAME = "verscienta-hipaa";
export const PACK_VERSION: string = pkg.version;
