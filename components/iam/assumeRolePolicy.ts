import * as pulumi from "@pulumi/pulumi";

/**
 * The trust policy of a role assumed by one AWS service on behalf of this account only. The
 * `aws:SourceAccount` condition is the confused-deputy guard AWS recommends for service roles: another
 * account cannot make the service act with this role.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
 */
export function assumeRolePolicy(
  service: string,
  sourceAccount: pulumi.Input<string>,
): pulumi.Output<string> {
  if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(service)) {
    throw new Error(`service: "${service}" is not an AWS service principal. Use e.g. "rds.amazonaws.com".`);
  }
  return pulumi.output(sourceAccount).apply((acct) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": acct } },
        },
      ],
    }),
  );
}
