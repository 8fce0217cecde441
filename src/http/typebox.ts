import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../db/database.js';

/** What every domain's routes receive: their dependencies, passed explicitly. */
export interface RouteDependencies {
  db: Db;
}

export type Routes = FastifyPluginAsyncTypebox<RouteDependencies>;
