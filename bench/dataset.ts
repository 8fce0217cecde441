/*
 * The benchmark's regional data set, written straight to the database with multi-row inserts (the
 * API would take an hour for it): organizations with departments and staff, clients with their
 * assessment histories scored by the real rules, and six months of held activities with attendance.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { newAssessmentRow, assessmentRules } from '../src/assessments/service.js';
import { addMonths } from '../src/calendar/dates.js';
import { refreshCurrentAssessment } from '../src/clients/repository.js';
import { newClientRow } from '../src/clients/service.js';
import { snilsCheckNumber } from '../src/clients/snils.js';
import { systemContext } from '../src/context/request-context.js';
import type { Db } from '../src/db/database.js';
import type { ClientRow } from '../src/db/schema.js';
import type { LivingSituation } from '../src/enums.js';
import { answersScoring } from '../src/demo/answers.js';
import type { InstrumentCatalog } from '../src/instruments/catalog.js';
import type { Instrument } from '../src/instruments/schemas.js';

export interface DatasetSize {
  clients: number;
  organizations: number;
  assessmentsPerClient: number;
}

export const NAME_PREFIX = 'Бенчмарк: комплексный центр';
const STAFF_PER_ORGANIZATION = 10;
const LIVING: LivingSituation[] = ['lonely', 'lives_alone', 'lonely_family', 'family_lives_alone', 'lives_with_family'];
const LAST_NAMES = ['Иванова', 'Смирнова', 'Кузнецова', 'Попова', 'Соколова', 'Лебедева', 'Козлова', 'Новикова', 'Морозова', 'Петрова'];
const FIRST_NAMES = ['Мария', 'Анна', 'Валентина', 'Галина', 'Нина', 'Людмила', 'Тамара', 'Зинаида'];

/** A deterministic spread of values: the same data set for the same size, run after run. */
const pick = <T>(values: readonly T[], n: number): T => values[n % values.length]!;

async function insertInBatches<T>(rows: T[], size: number, insert: (batch: T[]) => Promise<unknown>) {
  for (let start = 0; start < rows.length; start += size) await insert(rows.slice(start, start + size));
}

export async function datasetExists(db: Db, size: DatasetSize): Promise<boolean> {
  const { count } = await db
    .selectFrom('clients')
    .innerJoin('organizations', 'organizations.id', 'clients.organization_id')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organizations.name', 'like', `${NAME_PREFIX}%`)
    .executeTakeFirstOrThrow();
  return count >= size.clients;
}

/** Answer sets for every reachable score of each form, so clients spread over all six groups. */
function answerSets(instrument: Instrument): Array<Record<string, string>> {
  const sets: Array<Record<string, string>> = [];
  for (let points = 0; points <= instrument.maxScore; points += 0.5) {
    try {
      sets.push(answersScoring(instrument.items, points));
    } catch {
      // not every half point is reachable on every form
    }
  }
  return sets;
}

export async function generateDataset(db: Db, catalog: InstrumentCatalog, size: DatasetSize, log: (line: string) => void): Promise<void> {
  const instruments = new Map((await catalog.all()).map((instrument) => [instrument.careForm, instrument]));
  const answers = new Map([...instruments].map(([form, instrument]) => [form, answerSets(instrument)]));
  const types = await db
    .selectFrom('activity_types')
    .select(['id', 'default_duration_minutes'])
    .where('organization_id', 'is', null)
    .execute();
  const perOrganization = Math.ceil(size.clients / size.organizations);
  let clientNumber = 0;

  for (let o = 0; o < size.organizations; o++) {
    const organization = await db
      .insertInto('organizations')
      .values({ name: `${NAME_PREFIX} № ${o + 1}`, kind: 'social_service', region_code: '37' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const departments = await db
      .insertInto('departments')
      .values([
        { organization_id: organization.id, name: 'Отделение социального обслуживания на дому', care_form: 'home' },
        { organization_id: organization.id, name: 'Стационарное отделение', care_form: 'inpatient' },
      ])
      .returning(['id', 'care_form'])
      .execute();
    const staff = await db
      .insertInto('staff')
      .values(
        Array.from({ length: STAFF_PER_ORGANIZATION }, (_, s) => ({
          organization_id: organization.id,
          full_name: `Специалист ${o + 1}-${s + 1}`,
          position: 'social_worker',
          department_id: null,
          active: true,
        })),
      )
      .returning('id')
      .execute();

    const clients: Array<ClientRow & { id: string }> = [];
    const count = Math.min(perOrganization, size.clients - clientNumber);
    const rows = Array.from({ length: count }, () => {
      const n = clientNumber++;
      const nine = String(100_000_000 + n * 7).padStart(9, '0');
      const inpatient = n % 5 === 0;
      const department = departments.find((row) => row.care_form === (inpatient ? 'inpatient' : 'home'))!;
      return {
        ...newClientRow(organization.id, {
          externalId: `BENCH-${o + 1}-${n + 1}`,
          lastName: pick(LAST_NAMES, n),
          firstName: pick(FIRST_NAMES, n >> 3),
          middleName: 'Ивановна',
          birthDate: `19${30 + (n % 25)}-0${1 + (n % 9)}-1${n % 10}`,
          sex: 'female',
          snils: `${nine}${String(snilsCheckNumber(nine)).padStart(2, '0')}`,
          careForm: inpatient ? 'inpatient' : 'home',
          departmentId: department.id,
          livingSituation: pick(LIVING, n >> 2),
          socialSupport: 1 + (n % 4),
          status: n % 50 === 0 ? 'discharged' : 'active',
        }),
        id: randomUUID(),
      };
    });
    await insertInBatches(rows, 2000, (batch) => db.insertInto('clients').values(batch).execute());
    clients.push(...(rows as Array<ClientRow & { id: string }>));

    const assessments = clients.flatMap((client, c) => {
      const instrument = instruments.get(client.care_form)!;
      const sets = answers.get(client.care_form)!;
      return Array.from({ length: size.assessmentsPerClient }, (_, k) => {
        const assessedOn = addMonths(`2024-0${1 + (c % 9)}-1${c % 9}`, k * 6);
        const set = sets[(c * 7 + k * 3) % sets.length]!;
        const fields = { assessedOn, answers: set, conductedBy: [staff[c % staff.length]!.id], livingSituation: client.living_situation };
        const evaluation = assessmentRules({ ...client, birth_date: '1900-01-01' }, instrument, fields, new Set(fields.conductedBy));
        if (Array.isArray(evaluation)) throw new Error(`the rules refuse a generated assessment: ${JSON.stringify(evaluation)}`);
        return {
          ...newAssessmentRow(client, { ...fields, instrumentId: instrument.id, interviewNo: k + 1 }, evaluation, 6),
          next_check_on: addMonths(assessedOn, 6),
        };
      });
    });
    await insertInBatches(assessments, 1000, (batch) => db.insertInto('assessments').values(batch).execute());
    await refreshCurrentAssessment(
      systemContext(db, 'bench'),
      clients.map((client) => client.id),
    );

    // Six months of activities, three on each weekday, each attended by ten clients.
    const activities: Array<{
      id: string;
      organization_id: string;
      activity_type_id: string;
      starts_at: Date;
      duration_minutes: number;
      responsible_staff: string[];
      status: 'held';
    }> = [];
    for (let day = 0; day < 182; day++) {
      const date = new Date(Date.UTC(2026, 4, 1) + day * 86_400_000);
      if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
      for (let slot = 0; slot < 3; slot++) {
        const type = pick(types, day + slot);
        activities.push({
          id: randomUUID(),
          organization_id: organization.id,
          activity_type_id: type.id,
          starts_at: new Date(date.getTime() + (7 + slot * 2) * 3_600_000),
          duration_minutes: type.default_duration_minutes,
          responsible_staff: [pick(staff, day + slot).id],
          status: 'held',
        });
      }
    }
    await insertInBatches(activities, 2000, (batch) => db.insertInto('activities').values(batch).execute());
    const participants = activities.flatMap((activity, a) =>
      Array.from({ length: 10 }, (_, p) => ({
        activity_id: activity.id,
        client_id: clients[(a * 10 + p) % clients.length]!.id,
        attendance: p === 9 ? ('absent' as const) : ('attended' as const),
        engagement: p === 9 ? null : (a + p) % 4,
        note: null,
      })),
    );
    await insertInBatches(participants, 5000, (batch) =>
      db
        .insertInto('activity_participants')
        .values(batch)
        .onConflict((conflict) => conflict.doNothing())
        .execute(),
    );
    log(`organization ${o + 1}/${size.organizations}: ${clientNumber} clients so far`);
  }
  await sql`ANALYZE`.execute(db);
}
