#!/bin/sh
# Builds the PgBouncer image, pushes it to the stack's private ECR repository and prints the
# digest-pinned reference to put in the stack's `pgbouncerImage` config key. See docs/pgbouncer-image.md.
#
#   images/pgbouncer/build.sh <account-id> <region> [repository] [X86_64|ARM64]
#   images/pgbouncer/build.sh --check [Dockerfile]   # only verify that every FROM is pinned by digest
#
# Needs docker (with buildx) and the AWS CLI with credentials that may push to the repository.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)

# Every FROM must name its image by digest: a tag can move to other bytes without a diff here.
check_pins() {
  file=$1
  [ -r "$file" ] || { echo "build.sh: cannot read $file" >&2; return 2; }
  froms=$(grep -Ei '^[[:space:]]*FROM[[:space:]]' "$file" || true)
  [ -n "$froms" ] || { echo "build.sh: $file has no FROM line" >&2; return 2; }
  bad=$(printf '%s\n' "$froms" | grep -Eiv '^[[:space:]]*FROM[[:space:]]+(--platform=[^[:space:]]+[[:space:]]+)?[^[:space:]@]+@sha256:[0-9a-f]{64}([[:space:]]+AS[[:space:]]+[A-Za-z0-9_.-]+)?[[:space:]]*$' || true)
  if [ -n "$bad" ]; then
    echo "build.sh: refusing to build from an image not pinned by digest in $file:" >&2
    printf '  %s\n' "$bad" >&2
    echo "Pin it: FROM <image>:<tag>@sha256:<64 hex> (docker buildx imagetools inspect <image>:<tag> prints the digest)." >&2
    return 2
  fi
}

if [ "${1:-}" = "--check" ]; then
  check_pins "${2:-$here/Dockerfile}"
  exit $?
fi

[ $# -ge 2 ] || { sed -n '5,6p' "$0" | sed 's/^# *//' >&2; exit 64; }
account=$1 region=$2 repository=${3:-pgbouncer} arch=${4:-X86_64}
case "$account" in *[!0-9]*|"") echo "build.sh: account id \"$account\" must be 12 digits" >&2; exit 64;; esac
[ ${#account} -eq 12 ] || { echo "build.sh: account id \"$account\" must be 12 digits" >&2; exit 64; }
case "$arch" in X86_64) platform=linux/amd64;; ARM64) platform=linux/arm64;;
  *) echo "build.sh: architecture \"$arch\" must be X86_64 or ARM64 (the task's cpuArchitecture)" >&2; exit 64;; esac

check_pins "$here/Dockerfile"

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$context/Dockerfile"
# RDS's CA bundle (Using SSL/TLS to encrypt a connection to a DB instance or cluster,
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html). It is public; check it
# is a non-empty list of certificates before it goes into the image.
curl -fsSL --proto '=https' --tlsv1.2 -o "$context/global-bundle.pem" \
  https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
count=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$context/global-bundle.pem" || true)
[ "$count" -gt 0 ] && openssl storeutl -noout -certs "$context/global-bundle.pem" >/dev/null ||
  { echo "build.sh: the RDS CA bundle did not parse as certificates" >&2; exit 1; }
echo "build.sh: RDS CA bundle with $count certificates, sha256 $(openssl dgst -sha256 -r "$context/global-bundle.pem" | cut -d' ' -f1)" >&2

registry="$account.dkr.ecr.$region.amazonaws.com"
tag=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)
ref="$registry/$repository:$tag"

aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
# --provenance=false: one image manifest, so the digest printed below is the one ECS pulls.
docker buildx build --platform "$platform" --provenance=false --pull --tag "$ref" --push "$context"

digest=$(aws ecr describe-images --region "$region" --repository-name "$repository" \
  --image-ids imageTag="$tag" --query 'imageDetails[0].imageDigest' --output text)
case "$digest" in sha256:????????????????????????????????????????????????????????????????) ;;
  *) echo "build.sh: ECR returned no digest for $ref (got \"$digest\")" >&2; exit 1;; esac
pinned="$registry/$repository@$digest"
echo "$pinned"
echo "Set it on the stack:  pulumi config set pgbouncerImage '$pinned'" >&2
