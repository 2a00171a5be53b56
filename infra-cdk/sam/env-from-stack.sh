#!/usr/bin/env bash
# Writes infra-cdk/cdk.out/sam-env.json, the environment overrides `sam local start-api` needs (samconfig.toml):
# the real names of the deployed stack's bucket, table, bus, admin token secret and job queue, which SAM cannot
# resolve from the template's references (jobs submitted under SAM local run in the deployed worker). Works against AWS, or LocalStack when AWS_ENDPOINT_URL is set
# (e.g. http://localhost.localstack.cloud:4566).
#   usage: bash infra-cdk/sam/env-from-stack.sh [stack-name]    (default PicPeakStack)
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-PicPeakStack}"
endpoint_args=()
if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
  endpoint_args=(--endpoint-url "$AWS_ENDPOINT_URL")   # older AWS CLIs ignore the variable itself
fi

outputs=$(aws "${endpoint_args[@]}" cloudformation describe-stacks --stack-name "$stack" \
  --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text)
output() {
  local value
  value=$(awk -v key="$1" '$1 == key {print $2}' <<<"$outputs")
  if [ -z "$value" ]; then
    echo "stack $stack has no output $1: deploy it first (README: Deploy)" >&2
    exit 1
  fi
  printf '%s' "$value"
}

mkdir -p cdk.out
cat > cdk.out/sam-env.json <<JSON
{
  "Parameters": {
    "STORAGE_S3_BUCKET": "$(output BucketName)",
    "CATALOG_TABLE": "$(output CatalogTable)",
    "EVENT_BUS_NAME": "$(output EventBusName)",
    "ADMIN_TOKEN_SECRET_ARN": "$(output AdminTokenSecretArn)",
    "JOB_QUEUE_URL": "$(output JobQueueUrl)"
  }
}
JSON
echo "wrote infra-cdk/cdk.out/sam-env.json for stack $stack"
