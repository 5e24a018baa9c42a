// Test access to the sample provinces' configs and registries.
import { loadProvinceConfig } from '../../lib/config/load.ts';
import type { ProvinceConfig } from '../../lib/config/schema.ts';
import { registryOf, type ProvinceRegistry } from '../../lambdas/shared/province.ts';

/** A validated sample config from provinces/. */
export const sampleConfig = (code: string): ProvinceConfig => loadProvinceConfig(`provinces/${code}.json`);

/** A sample province's registry, as its bundles carry it. */
export const sampleRegistry = (code = 'da-nang'): ProvinceRegistry => registryOf(sampleConfig(code));

/** JWT claims as the HTTP API JWT authorizer passes them (groups flattened to "[a b]"). */
export const claimsFor = (username: string, ...groups: string[]) => ({
  sub: `sub-${username}`,
  'cognito:username': username,
  'cognito:groups': `[${groups.join(' ')}]`,
  token_use: 'access',
});
