#!/usr/bin/env bash
# Uploads the one console build to a deployed province and writes its config.json from the stack's outputs.
# usage: npm run console:deploy -- <province code>      (needs the AWS CLI and credentials for the province's account)
set -euo pipefail
code="${1:?usage: npm run console:deploy -- <province code>}"
stack="SmartCity-${code}"
config="provinces/${code}.json"
[ -f "$config" ] || { echo "no province config $config" >&2; exit 2; }
region=$(node -e "const c=require('./${config}'); console.log(c.region || 'ap-southeast-1')")
out() { aws cloudformation describe-stacks --region "$region" --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }
bucket=$(out ConsoleBucket); distribution=$(out ConsoleDistributionId)
api=$(out ApiUrl); pool=$(out UserPoolId); client=$(out UserPoolClientId); domain=$(out CognitoDomain)
[ -n "$bucket" ] && [ "$bucket" != "None" ] || { echo "$stack has no ConsoleBucket output: deploy the stack first" >&2; exit 1; }
[ -f console/dist/index.html ] || npm run console:build
tmp=$(mktemp -d)
node -e "
const c = require('./${config}');
const cfg = { apiUrl: '${api}'.replace(/\/$/, ''), region: '${region}', userPoolId: '${pool}', userPoolClientId: '${client}',
  cognitoDomain: '${domain}', province: { code: c.code, name: c.name, timezone: c.timezone || 'Asia/Ho_Chi_Minh' } };
require('fs').writeFileSync('${tmp}/config.json', JSON.stringify(cfg, null, 2));
"
# Hashed assets are immutable; the page and its config are revalidated on every load.
aws s3 sync --region "$region" console/dist/assets "s3://${bucket}/assets" --delete --cache-control 'public, max-age=31536000, immutable'
aws s3 cp --region "$region" console/dist/index.html "s3://${bucket}/index.html" --cache-control 'no-cache' --content-type 'text/html; charset=utf-8'
aws s3 cp --region "$region" "${tmp}/config.json" "s3://${bucket}/config.json" --cache-control 'no-cache' --content-type 'application/json'
aws cloudfront create-invalidation --distribution-id "$distribution" --paths /index.html /config.json > /dev/null
echo "console deployed: $(out ConsoleUrl)"
