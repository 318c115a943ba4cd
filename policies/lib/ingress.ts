/** Ingress permissions in their three Pulumi shapes, normalised. */
import { T } from "./resourceTypes";
import { arrayOf, isUnknown, type Rec, recordsOf } from "./values";

export interface Ingress {
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  /** CIDR sources (IPv4 and IPv6). */
  readonly cidrs: unknown[];
  /** True when the source is a security group or prefix list. */
  readonly referencesGroup: boolean;
  readonly where: string;
}

/** Ingress of one resource; "unknown" when the list itself is unknown. */
export function ingressOf(type: string, props: Rec): Ingress[] | "unknown" {
  if (type === T.securityGroup || type === T.defaultSecurityGroup) {
    if (isUnknown(props.ingress)) return "unknown";
    return recordsOf(props.ingress).map((r, i) => ({
      protocol: r.protocol,
      fromPort: r.fromPort,
      toPort: r.toPort,
      cidrs: [
        ...(arrayOf(r.cidrBlocks) ?? [r.cidrBlocks]),
        ...(arrayOf(r.ipv6CidrBlocks) ?? [r.ipv6CidrBlocks]),
      ],
      referencesGroup:
        (arrayOf(r.securityGroups) ?? [1]).length > 0 ||
        r.self === true ||
        (arrayOf(r.prefixListIds) ?? [1]).length > 0,
      where: `ingress[${i}]`,
    }));
  }
  if (type === T.ingressRule) {
    return [
      {
        protocol: props.ipProtocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c) => c !== undefined && c !== null),
        referencesGroup: props.referencedSecurityGroupId !== undefined || props.prefixListId !== undefined,
        where: "rule",
      },
    ];
  }
  if (type === T.securityGroupRule && props.type === "ingress") {
    return [
      {
        protocol: props.protocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        cidrs: [
          ...(arrayOf(props.cidrBlocks) ?? [props.cidrBlocks]),
          ...(arrayOf(props.ipv6CidrBlocks) ?? [props.ipv6CidrBlocks]),
        ],
        referencesGroup:
          props.sourceSecurityGroupId !== undefined ||
          props.self === true ||
          (arrayOf(props.prefixListIds) ?? [1]).length > 0,
        where: "rule",
      },
    ];
  }
  return [];
}
