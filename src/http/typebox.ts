import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';

/** What every domain's routes receive: their dependencies, passed explicitly. */
export interface RouteDependencies {
  config: Config;
  db: Db;
  instruments: InstrumentCatalog;
}

export type Routes = FastifyPluginAsyncTypebox<RouteDependencies>;
