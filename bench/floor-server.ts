/*
 * The benchmark's floor: the service's reads with nothing around them. A bare Fastify (no
 * plugins, no authentication, no schemas) on the same paths as the service, each route running
 * the service's own statement for that read (bench/floor-queries.ts, given in FLOOR_QUERIES) with
 * `pg` on the same database and a pool of the service's size, and answering the rows with
 * JSON.stringify. Started by bench/run.ts with bench/count-queries.ts preloaded, which answers its
 * CPU over IPC as the service's.
 */
import Fastify from 'fastify';
import pg from 'pg';
import type { FloorQuery } from './floor-queries.js';

const queries = JSON.parse(process.env.FLOOR_QUERIES!) as { get: FloorQuery; list: FloorQuery };
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE) });

async function rows({ sql, slots }: FloorQuery, inputs: Record<string, unknown>): Promise<unknown[]> {
  const result = await pool.query(
    sql,
    slots.map((slot) => ('input' in slot ? inputs[slot.input] : slot.value)),
  );
  return result.rows;
}

const app = Fastify();
app.get('/v1/clients/:id', async (request, reply) => {
  const [row] = await rows(queries.get, request.params as { id: string });
  reply.type('application/json').code(row ? 200 : 404);
  return JSON.stringify(row ?? null);
});
app.get('/v1/clients', async (request, reply) => {
  const { organizationId, group } = request.query as { organizationId: string; group: string };
  reply.type('application/json');
  return JSON.stringify({ items: await rows(queries.list, { organizationId, group: Number(group) }) });
});
app.get('/health/ready', async () => 'ready');

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => pool.end()));
