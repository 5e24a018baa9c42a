// The province's static registry (zones, sensors, cameras, rules from its config), baked into each bundle at synth.
import type { ProvinceConfig } from '../../lib/config/schema.ts';

/** The parts of a province config the functions need at run time. */
export type ProvinceRegistry = Pick<ProvinceConfig, 'code' | 'name' | 'timezone' | 'modules' | 'pilot' | 'budget' | 'zones' | 'sensors' | 'cameras' | 'rules'>;

/** Name of the esbuild `define` that carries the registry JSON into every bundle (see lib/constructs/province-function.ts). */
export const REGISTRY_DEFINE = '__PROVINCE_REGISTRY__';

declare const __PROVINCE_REGISTRY__: string | undefined;

/** The registry as the bundle was built with it; throws outside a bundle (tests pass a registry explicitly). */
export function bundledRegistry(): ProvinceRegistry {
  if (typeof __PROVINCE_REGISTRY__ === 'undefined') {
    throw new Error(`${REGISTRY_DEFINE} is not defined: this code runs outside a province bundle; pass a registry`);
  }
  return JSON.parse(__PROVINCE_REGISTRY__) as ProvinceRegistry;
}

/** The registry part of a validated config (what the CDK construct serialises into the bundle). */
export function registryOf(config: ProvinceConfig): ProvinceRegistry {
  const { code, name, timezone, modules, pilot, budget, zones, sensors, cameras, rules } = config;
  return { code, name, timezone, modules, pilot, budget, zones, sensors, cameras, rules };
}
