/** ECS container definitions (a JSON string on the task definition), parsed. */
import type { Finding } from "./types";
import { fail, isRecord, jsonOf, type Rec, unknown } from "./values";

export function containersOf(props: Rec): Rec[] | Finding {
  const doc = jsonOf(props.containerDefinitions);
  if ("unknown" in doc) return unknown("containerDefinitions");
  if ("error" in doc) return fail(`containerDefinitions is not valid JSON: ${doc.error}`);
  if (!Array.isArray(doc.value)) return fail("containerDefinitions is not a list of containers.");
  return doc.value.filter(isRecord);
}

/** Runs `each` over every container, naming it in messages. */
export function perContainer(props: Rec, each: (c: Rec, name: string) => Finding[]): Finding[] {
  const cs = containersOf(props);
  if (!Array.isArray(cs)) return [cs];
  return cs.flatMap((c, i) => each(c, typeof c.name === "string" ? c.name : `container ${i}`));
}
