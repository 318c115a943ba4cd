/** Writes policies/RULES.md from the rule metadata: `npx tsx policies/tools/genRules.ts`. */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderRulesDoc } from "./rulesDoc";

const target = path.join(__dirname, "..", "RULES.md");
writeFileSync(target, renderRulesDoc());
console.log(`wrote ${target}`);
