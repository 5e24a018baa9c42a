#!/usr/bin/env bash
# Runs cfn-lint over every synthesized template in cdk.out (W3005 is a redundant DependsOn that CDK itself generates).
set -euo pipefail
shopt -s nullglob
templates=(cdk.out/*.template.json)
if [ ${#templates[@]} -eq 0 ]; then
  echo "no templates in cdk.out: run 'npm run synth' first" >&2
  exit 1
fi
cfn-lint --ignore-checks W3005 -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} template(s) clean"
