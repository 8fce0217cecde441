/*
 * A typed client of the registry, and one flow a regional system runs through it: register an
 * organization, its social worker and a client, assess the client on the home form, read the
 * client's dependency group and weekly care hours, and find them in the regional report.
 *
 * The types in schema.d.ts are generated from the committed contract (`npm run client:types`), so
 * a path, a parameter or a field the contract does not have fails to compile; openapi-fetch sends
 * the requests with the platform's own fetch.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

// JSON answers only: the operations that can also answer CSV (the report) then type their `data` as JSON.
export type RegistryClient = ReturnType<typeof createClient<paths, 'application/json'>>;
/** GET /v1/instruments/{id}: a form, its items and their options. */
type Instrument = paths['/v1/instruments/{id}']['get']['responses']['200']['content']['application/json'];

export function registryClient(baseUrl: string, apiKey: string): RegistryClient {
  return createClient<paths, 'application/json'>({
    baseUrl,
    headers: { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' },
  });
}

/** A problem+json answer (RFC 9457), kept whole so the caller can branch on its `type`. */
export class RegistryProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
  ) {
    super(`the registry answered ${status}: ${JSON.stringify(problem)}`);
  }
}

/** openapi-fetch answers either `data` or `error` (the problem body); the flow stops at the first problem. */
function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) throw new RegistryProblem(answer.response.status, answer.error);
  return answer.data;
}

/** The answers choosing the heaviest option of every item: the most dependent client the form describes. */
function heaviestAnswers(instrument: Instrument): Record<string, string> {
  return Object.fromEntries(
    instrument.items.map((item) => {
      const heaviest = item.options.reduce((chosen, option) => (option.points > chosen.points ? option : chosen));
      return [item.code, heaviest.code];
    }),
  );
}

/** Registers a client (with the given SNILS, unique in the region) and follows them into the report. */
export async function registerAndAssess(client: RegistryClient, { snils, assessedOn }: { snils: string; assessedOn: string }) {
  const organization = ok(
    await client.POST('/v1/organizations', {
      body: { name: `Комплексный центр социального обслуживания ${snils}`, kind: 'social_service', regionCode: '37' },
    }),
  );
  const worker = ok(
    await client.POST('/v1/staff', {
      body: { organizationId: organization.id, fullName: 'Смирнова Анна Петровна', position: 'social_worker' },
    }),
  );
  const registered = ok(
    await client.POST('/v1/clients', {
      body: {
        organizationId: organization.id,
        lastName: 'Иванова',
        firstName: 'Мария',
        middleName: 'Петровна',
        birthDate: '1940-03-08',
        sex: 'female',
        snils,
        careForm: 'home',
        livingSituation: 'lives_alone',
        socialSupport: 2,
      },
    }),
  );
  const form = ok(await client.GET('/v1/instruments/{id}', { params: { path: { id: 'bfd-home-2019' } } }));
  const assessment = ok(
    await client.POST('/v1/clients/{clientId}/assessments', {
      params: { path: { clientId: registered.id } },
      body: { instrumentId: form.id, assessedOn, answers: heaviestAnswers(form), conductedBy: [worker.id] },
    }),
  );
  const current = ok(await client.GET('/v1/clients/{id}', { params: { path: { id: registered.id } } }));
  const report = ok(
    await client.GET('/v1/reports/long-term-care', { params: { query: { asOf: assessedOn, organizationId: organization.id } } }),
  );
  return {
    organizationId: organization.id,
    clientId: registered.id,
    // The dependency group of the client's latest final assessment, as the client's record shows it.
    group: current.latestAssessment?.group,
    // Weekly care hours of that assessment (order No. 99, annex 2).
    hours: assessment.result.hours,
    // The organization's row of the regional report on the day of the assessment.
    reportRow: report.organizations.find((row) => row.organizationId === organization.id),
  };
}
