/**
 * Parser for the document `pulumi preview --json` prints (the engine's "preview digest"):
 *
 * ```
 * { "config": {...}, "steps": [{ "op", "urn", "provider", "oldState", "newState", "diffReasons",
 *   "replaceReasons", "detailedDiff" }], "diagnostics": [{ "urn", "message", "severity" }],
 *   "duration", "changeSummary": { "create": 3, ... }, "maybeCorrupt" }
 * ```
 *
 * `newState` is an `apitype.ResourceV3` (`urn`, `custom`, `id`, `type`, `inputs`, `outputs`, `parent`,
 * `protect`, `dependencies`, `provider`, `retainOnDelete`...); secret values are the string `[secret]`.
 * Source: pulumi/pulumi `pkg/backend/display/json.go` (ShowPreviewDigest) and
 * `sdk/go/common/display/...` (PreviewDigest, PreviewStep).
 *
 * Without `--show-sames` the digest leaves out unchanged resources, so CI runs
 * `pulumi preview --json --show-sames` to check every resource, not only the changed ones.
 */
import type { ResourceUnderTest } from "../../policies/lib/evaluate";
import { UsageError } from "./cli";
import { describe, isObject, parseJson } from "./json";
import { parseUrn } from "./urn";

const EXPECTED = "the output of `pulumi preview --json` (an object with a `steps` array)";

/** Steps whose `newState` is not a resource the stack will have afterwards. */
const GONE_OPS = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "remove-pending-replace",
  "read-discard",
]);

export interface PreviewDocument {
  readonly resources: ResourceUnderTest[];
  /** The stack name, from the URNs. */
  readonly stack?: string;
  readonly changeSummary: Record<string, number>;
  /** Steps that carried no resource the stack keeps (deletes) or no `newState`. */
  readonly skippedSteps: number;
}

export function parsePreviewDocument(text: string, file: string): PreviewDocument {
  const doc = parseJson(text, file, EXPECTED);
  if (!isObject(doc)) throw new UsageError(`${file}: expected ${EXPECTED}, found ${describe(doc)}`);
  const { steps } = doc;
  if (steps === undefined && !("changeSummary" in doc)) {
    throw new UsageError(`${file}: no \`steps\` and no \`changeSummary\`; expected ${EXPECTED}`);
  }
  if (steps !== undefined && !Array.isArray(steps)) {
    throw new UsageError(`${file}: \`steps\` is ${describe(steps)}; expected an array of preview steps`);
  }
  const byUrn = new Map<string, ResourceUnderTest>();
  let skippedSteps = 0;
  for (const [i, step] of (steps ?? []).entries()) {
    const where = `${file}: steps[${i}]`;
    if (!isObject(step))
      throw new UsageError(`${where} is ${describe(step)}; expected an object with op, urn, newState`);
    if (typeof step.op !== "string")
      throw new UsageError(`${where}.op is ${describe(step.op)}; expected a string`);
    const ns = step.newState;
    if (GONE_OPS.has(step.op) || ns === undefined || ns === null) {
      skippedSteps++;
      continue;
    }
    if (!isObject(ns)) throw new UsageError(`${where}.newState is ${describe(ns)}; expected an object`);
    if (typeof ns.type !== "string" || ns.type === "") {
      throw new UsageError(
        `${where}.newState.type is ${describe(ns.type)}; expected a type token like aws:rds/instance:Instance`,
      );
    }
    const urn = typeof ns.urn === "string" ? ns.urn : step.urn;
    if (typeof urn !== "string" || !parseUrn(urn)) {
      throw new UsageError(`${where}.newState.urn is ${describe(urn)}; expected a urn:pulumi:... URN`);
    }
    if (ns.inputs !== undefined && !isObject(ns.inputs)) {
      throw new UsageError(`${where}.newState.inputs is ${describe(ns.inputs)}; expected an object`);
    }
    if (ns.type === "pulumi:pulumi:Stack") {
      skippedSteps++;
      continue;
    }
    const deps = Array.isArray(ns.dependencies)
      ? ns.dependencies.filter((d): d is string => typeof d === "string")
      : [];
    byUrn.set(urn, {
      urn,
      type: ns.type,
      name: parseUrn(urn)!.name,
      props: { ...(ns.inputs ?? {}) },
      opts: {
        protect: ns.protect === true,
        ...(typeof ns.parent === "string" && ns.parent !== "" ? { parent: ns.parent } : {}),
        ...(typeof ns.provider === "string" && ns.provider !== "" ? { provider: ns.provider } : {}),
        dependencies: deps,
        retainOnDelete: ns.retainOnDelete === true,
      },
    });
  }
  const changeSummary: Record<string, number> = {};
  if (isObject(doc.changeSummary)) {
    for (const [k, v] of Object.entries(doc.changeSummary)) if (typeof v === "number") changeSummary[k] = v;
  }
  const first = byUrn.keys().next();
  const stack = first.done ? undefined : parseUrn(first.value)?.stack;
  return { resources: [...byUrn.values()], stack, changeSummary, skippedSteps };
}
