import type { RouteOptions } from 'fastify';

type RouteHookName = 'onRequest' | 'preHandler' | 'onSend' | 'onResponse';

/**
 * Adds a hook to one route (from an onRoute hook), after those it has: what only some routes need
 * (authentication on the API, the unit-of-work and idempotency checks on writes) then costs the
 * others nothing, where a global hook runs, and allocates a promise, on every request.
 */
export function addRouteHook<Name extends RouteHookName>(route: RouteOptions, name: Name, hook: NonNullable<RouteOptions[Name]>): void {
  const existing = route[name];
  const hooks = [existing, hook].flat().filter((entry) => entry !== undefined);
  route[name] = hooks as RouteOptions[Name];
}
