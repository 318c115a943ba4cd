/**
 * The certificate authority behind PgBouncer's server certificate, so apps can connect with
 * `sslmode=verify-full` instead of `require` (HIPAA 164.312(e)(1): an unverified TLS peer is open to a
 * man in the middle).
 *
 * No private key is ever in Pulumi state:
 * - the CA is an AWS Private CA whose key AWS generates and keeps in its HSMs, never exportable (Storage
 *   and security compliance of AWS Private CA private keys,
 *   https://docs.aws.amazon.com/privateca/latest/userguide/data-protection.html);
 *   its self-signed root is issued from the CA's own CSR with the `RootCACertificate/V1` template and
 *   installed, as in the provider's "Self-Signed Root Certificate Authority Certificate" example
 *   (aws.acmpca.CertificateAuthorityCertificate);
 * - each PgBouncer task generates its own key at start, sends only a CSR to `IssueCertificate`
 *   (see pgbouncerStartScript), and renews before expiry.
 *
 * Short-lived certificate mode: "exclusively issues certificates with a maximum validity period of seven
 * days. These short-lived certificates expire so quickly that they can be deployed without a revocation
 * mechanism" (Understand AWS Private CA CA modes,
 * https://docs.aws.amazon.com/privateca/latest/userguide/short-lived-certificates.html). The root's own
 * validity is not limited by the mode: "AWS Private CA does not perform validity checks on root CA
 * certificates" (same page), and "this doesn't mean that the root CA certificate must also be short lived"
 * (AWS Security Blog, How to use AWS Private Certificate Authority short-lived certificate mode).
 * $50 per CA-month instead of $400 (https://aws.amazon.com/private-ca/pricing/).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** P-256: every libpq/OpenSSL and Node client verifies ECDSA; the family must match the signing algorithm. */
export const POOLER_CA_KEY_ALGORITHM = "EC_prime256v1";
export const POOLER_CA_SIGNING_ALGORITHM = "SHA256WITHECDSA";
export const POOLER_CA_USAGE_MODE = "SHORT_LIVED_CERTIFICATE";
/** Root CA certificate lifetime; the CA key never leaves AWS, so a long root is the usual choice. */
export const POOLER_CA_VALIDITY_YEARS = 10;
/**
 * End-entity template for a TLS server: the key usages of a server certificate, extended key usage
 * serverAuth, and the subject alternative names passed through from the CSR (AWS Private CA template
 * definitions, EndEntityServerAuthCertificate/V1,
 * https://docs.aws.amazon.com/privateca/latest/userguide/template-definitions.html).
 */
export const POOLER_CERT_TEMPLATE = "EndEntityServerAuthCertificate/V1";
/**
 * Task certificate validity. 6, not 7: Private CA back-dates NotBefore by 60 minutes to absorb clock skew
 * (AWS re:Post, How do I calculate the maximum validity period of a Private CA certificate,
 * https://repost.aws/knowledge-center/private-ca-validity-period), and the short-lived mode's ceiling is
 * seven days; a day of margin keeps every request inside it.
 */
export const POOLER_CERT_VALIDITY_DAYS = 6;
/** The task re-issues once less than this is left (half the validity: two misses before expiry). */
export const POOLER_CERT_RENEW_BEFORE_SECONDS = 3 * 24 * 3600;

export const pcaTemplateArn = (partition: string, template: string) =>
  `arn:${partition}:acm-pca:::template/${template}`;

export interface PoolerCertificateAuthorityArgs {
  /** Common name of the root (at most 64 characters, AWS's limit on CommonName). */
  readonly commonName: string;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /** Protect the CA (prod): deleting it makes every app's trusted root useless. @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A root AWS Private CA in short-lived certificate mode, with its self-signed certificate installed.
 * `certificatePem` is public (it is what apps trust); the key stays in AWS.
 */
export class PoolerCertificateAuthority extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  /** The root certificate (PEM), what apps pass as `sslrootcert` / node-postgres `ssl.ca`. */
  readonly certificatePem: pulumi.Output<string>;
  /** ARN of the only template the tasks may issue with. */
  readonly issueTemplateArn: pulumi.Output<string>;
  /** Resolves once the root is installed (the CA can issue only then). */
  readonly ready: pulumi.Output<string>;

  constructor(name: string, args: PoolerCertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:pooling:PoolerCertificateAuthority", name, {}, opts);
    validatePoolerCertificateAuthorityArgs(args);
    const partition = pulumi.output(args.partition ?? "aws");

    const ca = new aws.acmpca.CertificateAuthority(
      `${name}-ca`,
      {
        type: "ROOT",
        usageMode: POOLER_CA_USAGE_MODE,
        certificateAuthorityConfiguration: {
          keyAlgorithm: POOLER_CA_KEY_ALGORITHM,
          signingAlgorithm: POOLER_CA_SIGNING_ALGORITHM,
          subject: { commonName: args.commonName, organization: "Verscienta Health" },
        },
        keyStorageSecurityStandard: "FIPS_140_2_LEVEL_3_OR_HIGHER",
        // Short-lived certificates need no revocation (see the module comment): no CRL, no OCSP.
        revocationConfiguration: {
          crlConfiguration: { enabled: false },
          ocspConfiguration: { enabled: false },
        },
        // 7-30 days in which a deleted CA can be restored (CreateCertificateAuthority / DeleteCertificateAuthority
        // PermanentDeletionTimeInDays); prod keeps the longest window.
        permanentDeletionTimeInDays: args.protect ? 30 : 7,
        enabled: true,
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );

    const root = new aws.acmpca.Certificate(
      `${name}-root`,
      {
        certificateAuthorityArn: ca.arn,
        certificateSigningRequest: ca.certificateSigningRequest,
        signingAlgorithm: POOLER_CA_SIGNING_ALGORITHM,
        templateArn: partition.apply((p) => pcaTemplateArn(p, "RootCACertificate/V1")),
        validity: { type: "YEARS", value: String(POOLER_CA_VALIDITY_YEARS) },
      },
      { parent: this },
    );

    const installed = new aws.acmpca.CertificateAuthorityCertificate(
      `${name}-root`,
      {
        certificateAuthorityArn: ca.arn,
        certificate: root.certificate,
        // A self-signed root has no chain (the provider example passes the issued chain, empty for a root).
        certificateChain: root.certificateChain,
      },
      { parent: this },
    );

    this.arn = ca.arn;
    this.certificatePem = root.certificate;
    this.issueTemplateArn = partition.apply((p) => pcaTemplateArn(p, POOLER_CERT_TEMPLATE));
    this.ready = pulumi.all([installed.id, ca.arn]).apply(([, arn]) => arn);
    this.registerOutputs({ arn: this.arn, certificatePem: this.certificatePem });
  }
}

export function validatePoolerCertificateAuthorityArgs(args: PoolerCertificateAuthorityArgs): void {
  if (args.commonName.length === 0 || args.commonName.length > 64) {
    throw new Error(
      `PoolerCertificateAuthority: commonName "${args.commonName}" must be 1 to 64 characters (X.509 ub-common-name). Shorten the stack name.`,
    );
  }
}

/**
 * What a PgBouncer task may do with the CA: issue with exactly one template, from exactly this CA, and
 * read back what it issued. `acm-pca:TemplateArn` is the condition key of IssueCertificate; GetCertificate's
 * resource is the CA (Actions, resources, and condition keys for AWS Private Certificate Authority,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsprivatecertificateauthority.html).
 * IAM cannot constrain the names in the CSR: the CA is dedicated to the pooler and trusted by apps only for
 * the pooler's connection, so a name it signs is worth nothing elsewhere.
 */
export function poolerCertificateIssuerStatements(p: {
  caArn: string;
  templateArn: string;
}): Record<string, unknown>[] {
  return [
    {
      Sid: "IssueTheServerCertificate",
      Effect: "Allow",
      Action: ["acm-pca:IssueCertificate"],
      Resource: [p.caArn],
      Condition: { StringEquals: { "acm-pca:TemplateArn": p.templateArn } },
    },
    {
      Sid: "ReadTheIssuedCertificate",
      Effect: "Allow",
      Action: ["acm-pca:GetCertificate"],
      Resource: [p.caArn],
    },
  ];
}
