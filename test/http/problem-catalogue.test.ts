import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { problemCatalogue } from '../../src/http/problems.js';
import { buildTestApp } from '../helpers/app.js';

/** Conditions any operation may meet, documented once in the catalogue rather than on every operation. */
const EVERYWHERE = new Set([
  '/problems/internal-error',
  '/problems/database-unavailable',
  '/problems/shutting-down',
  '/problems/route-not-found',
  // The error handler's last line of defence for a constraint a repository did not translate.
  '/problems/duplicate-record',
  '/problems/invalid-reference',
  '/problems/constraint-violated',
  '/problems/invalid-value',
  // Answered by node's HTTP parser's refusals, before any operation is known.
  '/problems/request-timeout',
  '/problems/headers-too-large',
  // The `error` of a failed import job (GET /v1/bulk/jobs/{id}), never an answer's status.
  '/problems/import-job-credential-revoked',
  '/problems/import-job-abandoned',
]);

type Responses = Record<string, { description?: string }>;

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : Promise.resolve([join(folder, entry.name)]))),
  );
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

t.test('every problem type the service can answer is listed in the contract', async (t) => {
  const { app } = await buildTestApp(t);
  await app.ready();
  const document = app.swagger() as unknown as {
    paths: Record<string, Record<string, { operationId?: string; responses?: Responses }>>;
    components: { schemas: { Problem: { properties: { type: { enum: string[] } } } } };
  };
  const catalogue = problemCatalogue();
  const types = catalogue.map((entry) => entry.type);

  t.test('the Problem schema enumerates the whole catalogue', async (t) => {
    t.same(document.components.schemas.Problem.properties.type.enum, types);
  });

  t.test('every condition defined in src is in the catalogue the app answers from', async (t) => {
    const defined: string[] = [];
    for (const file of await sourceFiles('src')) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/defineProblem(?:<[^>]*>)?\(\s*'([a-z0-9-]+)'/g)) defined.push(`/problems/${match[1]}`);
    }
    t.same(
      defined.filter((type) => !types.includes(type)),
      [],
      'defined but not loaded by the app',
    );
    t.equal(new Set(defined).size, defined.length, 'each slug defined once');
  });

  t.test('the README lists every problem type', async (t) => {
    const readme = await readFile('README.md', 'utf8');
    t.same(
      types.filter((type) => !readme.includes(`\`${type}\``)),
      [],
    );
  });

  t.test('each operation names the problem types it answers, each with its status', async (t) => {
    const named = new Set<string>();
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (Number(status) < 400) continue;
          const listed = [...(response.description ?? '').matchAll(/`(\/problems\/[a-z0-9-]+)`/g)].map((match) => match[1] ?? '');
          for (const type of listed) {
            named.add(type);
            const entry = catalogue.find((candidate) => candidate.type === type);
            t.ok(entry, `${method.toUpperCase()} ${path} ${status} names ${type}, which the catalogue has`);
            t.equal(entry?.status, Number(status), `${method.toUpperCase()} ${path}: ${type} is a ${status}`);
          }
        }
      }
    }
    const unnamed = types.filter((type) => !named.has(type) && !EVERYWHERE.has(type));
    t.same(unnamed, [], 'every condition is named by the operations that answer it');
  });
});
