// Rule and zone routes: rules in effect with versions, supervisors' edits validated like the config, and the zones.
import { ConflictError } from '#adapters/incident-store.ts';
import type { RuleStore } from '#adapters/rule-store.ts';
import { HttpError, badRequest, type Problem } from '#shared/http.ts';
import type { ProvinceRegistry } from '#shared/province.ts';
import type { Rule } from '../../../lib/config/schema.ts';
import type { RouteImpl } from '../router.ts';

/** Ports the rule routes use. */
export interface RuleRouteDeps {
  readonly rules: Pick<RuleStore, 'all' | 'get' | 'put'>;
  readonly registry: ProvinceRegistry;
  readonly now: () => Date;
}

/** Cross-reference problems of a rule against the province (the same checks the config schema makes). */
export function ruleProblems(rule: Rule, registry: ProvinceRegistry): Problem[] {
  const problems: Problem[] = [];
  const zones = new Set(registry.zones.map((z) => z.id));
  const sources = new Set([...registry.sensors.map((s) => s.id), ...registry.cameras.map((c) => c.id)]);
  if ((rule.kind === 'crowd' || rule.kind === 'threshold') && rule.zone !== undefined && !zones.has(rule.zone)) {
    problems.push({ path: '$.rule.zone', message: `a zone id of the province (${[...zones].join(', ')})` });
  }
  if ((rule.kind === 'threshold' || rule.kind === 'stale') && rule.source !== undefined && !sources.has(rule.source)) {
    problems.push({ path: '$.rule.source', message: 'a sensor or camera id of the province' });
  }
  if (rule.kind === 'threshold' && !rule.source === !rule.sensorKind) {
    problems.push({ path: '$.rule', message: 'exactly one of "source" or "sensorKind"' });
  }
  return problems;
}

/** The rule and zone routes, keyed by routeKey. */
export function ruleRoutes(deps: RuleRouteDeps): Record<string, RouteImpl> {
  return {
    'GET /rules': async () => ({ items: await deps.rules.all(true) }),
    'PUT /rules/{id}': async ({ params, body, caller }) => {
      if (body.rule.id !== params.id) throw badRequest([{ path: '$.rule.id', message: `the id in the path (${params.id})` }]);
      const problems = ruleProblems(body.rule, deps.registry);
      if (problems.length) throw badRequest(problems);
      const current = await deps.rules.get(params.id!);
      if ((current?.version ?? 0) !== body.expectedVersion) {
        throw new HttpError(409, 'conflict', `The rule is at version ${current?.version ?? 0}, you edited version ${body.expectedVersion}`, { current: current ?? null });
      }
      try {
        return await deps.rules.put(body.rule, body.expectedVersion, caller.username, deps.now().toISOString());
      } catch (e) {
        if (e instanceof ConflictError) throw new HttpError(409, 'conflict', 'Another supervisor changed this rule first', { current: (await deps.rules.get(params.id!)) ?? null });
        throw e;
      }
    },
    'GET /zones': async () => ({
      items: deps.registry.zones.map((z) => ({
        ...z,
        sensors: deps.registry.sensors.filter((s) => s.zone === z.id).map((s) => s.id),
        cameras: deps.registry.cameras.filter((c) => c.zone === z.id).map((c) => c.id),
      })),
    }),
  };
}
