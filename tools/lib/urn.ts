/**
 * Pulumi URNs: `urn:pulumi:<stack>::<project>::<parent-type$...$>type::<name>`.
 * @see https://www.pulumi.com/docs/iac/concepts/resources/names/#urns
 */
export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** The resource's own type (the last `$`-separated segment). */
  readonly type: string;
  readonly name: string;
}

/** Parses a URN, or returns undefined when the string is not one. */
export function parseUrn(urn: string): ParsedUrn | undefined {
  if (!urn.startsWith("urn:pulumi:")) return undefined;
  const parts = urn.slice("urn:pulumi:".length).split("::");
  if (parts.length < 4) return undefined;
  const [stack, project, qualifiedType] = parts;
  // A name may itself contain "::"; everything after the type is the name.
  const name = parts.slice(3).join("::");
  const types = qualifiedType.split("$");
  return { stack, project, type: types[types.length - 1], name };
}
