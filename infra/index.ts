/**
 * Pulumi entry point (`main: infra/` in Pulumi.yaml). The program lives in `program.ts` so the tests and
 * the offline plan run exactly the same code; the object it returns becomes the stack outputs.
 */
import { main } from "./program";

export = main();
