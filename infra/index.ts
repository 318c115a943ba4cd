/**
 * Pulumi entry point: package.json's `main`. Pulumi.yaml has no `main:`, so the CLI runs the program from
 * the project root, where ts-node type-checks it with tsconfig.json (see docs/real-runner.md). The
 * program lives in `program.ts` so the tests and the offline plan run exactly the same code; the object
 * it returns becomes the stack outputs.
 */
import { main } from "./program";

export = main();
