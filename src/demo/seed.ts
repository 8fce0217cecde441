import { createSeries, recordParticipation } from '../activities/service.js';
import { createApiKey } from '../api-keys/service.js';
import { createAssessment } from '../assessments/service.js';
import { addMonths, today } from '../calendar/dates.js';
import { instantOf } from '../calendar/zoned.js';
import { createClient } from '../clients/service.js';
import { snilsCheckNumber } from '../clients/snils.js';
import { systemContext, type UnitOfWork } from '../context/request-context.js';
import type { Db } from '../db/database.js';
import { createDepartment } from '../departments/service.js';
import type { CareForm, LivingSituation, Position, Sex } from '../enums.js';
import type { InstrumentCatalog } from '../instruments/catalog.js';
import { findOrganizationByInn } from '../organizations/repository.js';
import { createOrganization } from '../organizations/service.js';
import { createStaff } from '../staff/service.js';
import { createProgram } from '../support-programs/service.js';
import { answersScoring } from './answers.js';
import { found } from './found.js';
import { seedMonitoring, type LedSessions } from './monitoring.js';

/** A small, realistic region: two social-service centers and a partner hospital. */
const ORGANIZATIONS = [
  {
    name: 'ОБУСО «Ивановский комплексный центр социального обслуживания населения»',
    shortName: 'ОБУСО «Ивановский КЦСОН»',
    kind: 'social_service',
    regionCode: '37',
    inn: '3702065237',
    address: '153012, г. Иваново, пер. Свободный, д. 4',
    departments: [
      { name: 'Отделение социального обслуживания на дому № 1', careForm: 'home' },
      { name: 'Отделение «Милосердие»', careForm: 'inpatient' },
    ],
  },
  {
    name: 'ОГБУ «Кинешемский комплексный центр социального обслуживания населения»',
    shortName: 'ОГБУ «Кинешемский КЦСОН»',
    kind: 'social_service',
    regionCode: '37',
    inn: '3702111116',
    address: '155800, Ивановская обл., г. Кинешма, ул. Советская, д. 14',
    departments: [{ name: 'Отделение социального обслуживания на дому', careForm: 'home' }],
  },
  {
    name: 'ОБУЗ «Ивановская областная клиническая больница»',
    shortName: 'ОБУЗ ИвОКБ',
    kind: 'medical',
    regionCode: '37',
    inn: '3702999999',
    address: '153040, г. Иваново, ул. Любимова, д. 1',
    departments: [],
  },
] as const;

const STAFF: Array<{ fullName: string; position: Position }> = [
  { fullName: 'Соколова Ирина Викторовна', position: 'head_of_department' },
  { fullName: 'Морозов Андрей Николаевич', position: 'doctor' },
  { fullName: 'Кузнецова Ольга Сергеевна', position: 'psychologist' },
  { fullName: 'Волкова Татьяна Ивановна', position: 'social_work_specialist' },
  { fullName: 'Павлова Наталья Юрьевна', position: 'social_worker' },
  { fullName: 'Лебедева Елена Александровна', position: 'nurse' },
  { fullName: 'Смирнова Анна Петровна', position: 'care_assistant' },
  { fullName: 'Новиков Сергей Владимирович', position: 'labor_instructor' },
  { fullName: 'Фёдорова Марина Олеговна', position: 'exercise_therapy_instructor' },
  { fullName: 'Попова Галина Михайловна', position: 'librarian' },
  { fullName: 'Егорова Светлана Павловна', position: 'head_of_department' },
  { fullName: 'Никитина Вера Степановна', position: 'nurse' },
  { fullName: 'Орлова Людмила Геннадьевна', position: 'care_assistant' },
  { fullName: 'Захарова Нина Борисовна', position: 'care_assistant' },
  { fullName: 'Белова Ксения Андреевна', position: 'social_worker' },
  { fullName: 'Голубева Алла Витальевна', position: 'head_of_department' },
  { fullName: 'Комарова Дарья Евгеньевна', position: 'social_worker' },
  { fullName: 'Титова Любовь Романовна', position: 'care_assistant' },
];

/** How many of the staff above each demo department gets, in order. */
const TEAM_SIZES = [10, 5, 3];

/** Demo clients: name, sex, birth date, care form, family status, support, and their scores over time. */
const CLIENTS: Array<{
  name: [string, string, string];
  sex: Sex;
  birthDate: string;
  careForm: CareForm;
  livingSituation: LivingSituation;
  socialSupport: number;
  /** [months ago, points], oldest first */
  scores: Array<[number, number]>;
}> = [
  {
    name: ['Александрова', 'Нина', 'Ивановна'],
    sex: 'female',
    birthDate: '1939-02-14',
    careForm: 'home',
    livingSituation: 'lonely',
    socialSupport: 3,
    scores: [
      [14, 1.5],
      [7, 2.5],
      [2, 3],
    ],
  },
  {
    name: ['Борисов', 'Виктор', 'Павлович'],
    sex: 'male',
    birthDate: '1944-07-30',
    careForm: 'home',
    livingSituation: 'lives_alone',
    socialSupport: 2,
    scores: [
      [13, 3.25],
      [5, 4.5],
    ],
  },
  {
    name: ['Васильева', 'Зинаида', 'Фёдоровна'],
    sex: 'female',
    birthDate: '1936-12-01',
    careForm: 'home',
    livingSituation: 'lonely_family',
    socialSupport: 2,
    scores: [
      [12, 4],
      [6, 5.5],
      [1, 6],
    ],
  },
  {
    name: ['Григорьева', 'Клавдия', 'Петровна'],
    sex: 'female',
    birthDate: '1933-05-19',
    careForm: 'home',
    livingSituation: 'family_lives_alone',
    socialSupport: 1,
    scores: [
      [10, 5],
      [4, 8.25],
    ],
  },
  {
    name: ['Дмитриев', 'Николай', 'Сергеевич'],
    sex: 'male',
    birthDate: '1941-09-09',
    careForm: 'home',
    livingSituation: 'lives_with_family',
    socialSupport: 1,
    scores: [
      [9, 6.5],
      [8, 10.75],
    ],
  },
  {
    name: ['Ершова', 'Антонина', 'Васильевна'],
    sex: 'female',
    birthDate: '1930-03-03',
    careForm: 'home',
    livingSituation: 'lonely',
    socialSupport: 4,
    scores: [
      [15, 7],
      [8, 11],
      [1, 13.5],
    ],
  },
  {
    name: ['Жукова', 'Мария', 'Алексеевна'],
    sex: 'female',
    birthDate: '1928-10-25',
    careForm: 'home',
    livingSituation: 'lives_alone',
    socialSupport: 3,
    scores: [
      [11, 12],
      [3, 16],
    ],
  },
  {
    name: ['Зайцев', 'Иван', 'Григорьевич'],
    sex: 'male',
    birthDate: '1947-01-17',
    careForm: 'home',
    livingSituation: 'lives_with_family',
    socialSupport: 2,
    scores: [],
  },
  {
    name: ['Исаева', 'Евдокия', 'Никитична'],
    sex: 'female',
    birthDate: '1931-06-06',
    careForm: 'inpatient',
    livingSituation: 'lonely',
    socialSupport: 4,
    scores: [
      [12, 5],
      [5, 7.5],
    ],
  },
  {
    name: ['Калинин', 'Степан', 'Ильич'],
    sex: 'male',
    birthDate: '1935-08-12',
    careForm: 'inpatient',
    livingSituation: 'lonely',
    socialSupport: 3,
    scores: [
      [8, 6.5],
      [2, 9],
    ],
  },
];

/** Valid SNILS numbers of the demo clients (fictitious, with correct check numbers). */
function demoSnils(index: number): string {
  const number = String(200_100_100 + index * 7_919);
  return `${number}${String(snilsCheckNumber(number)).padStart(2, '0')}`;
}

export interface DemoSummary {
  created: boolean;
  providerKey?: string;
  /** The Ivanovo center's monitoring report of the latest full month, to print. */
  monitoringReportId?: string;
}

/**
 * Adds the demo data once, in one unit of work; a second run finds it by INN and changes nothing.
 * The service's own work: no audit event, as no request made it.
 */
export async function seedDemo(db: Db, catalog: InstrumentCatalog): Promise<DemoSummary> {
  const ctx = systemContext(db, 'seed-demo');
  if (await findOrganizationByInn(ctx, ORGANIZATIONS[0].inn)) return { created: false };

  return ctx.write(async (tx) => {
    const centers: string[] = [];
    const staff = [...STAFF];
    let department = 0;
    for (const { departments, ...fields } of ORGANIZATIONS) {
      const organization = await createOrganization(tx, fields);
      if (organization.kind === 'social_service') centers.push(organization.id);
      for (const fields of departments) {
        const row = await createDepartment(tx, organization.id, fields);
        for (const member of staff.splice(0, TEAM_SIZES[department++])) {
          await createStaff(tx, { organizationId: organization.id, departmentId: row.id, ...member });
        }
      }
    }
    const firstCenter = found(centers[0], 'social-service center');
    const clients = await seedClients(tx, catalog, firstCenter);
    const led = await seedMilieuTherapy(tx, firstCenter, clients);
    const monitoringReportId = await seedMonitoring(tx, firstCenter, clients, led);
    const { secret } = await createApiKey(tx, { name: 'demo provider', role: 'provider', organizationId: firstCenter });
    return { created: true, providerKey: secret, monitoringReportId };
  });
}

/** Clients in all six groups with a history of assessments; some checks are overdue, one never assessed. */
async function seedClients(tx: UnitOfWork, catalog: InstrumentCatalog, organizationId: string): Promise<string[]> {
  const ids: string[] = [];
  const departments = await tx.scoped.selectFrom('departments').selectAll().where('organization_id', '=', organizationId).execute();
  const staff = await tx.scoped.selectFrom('staff').select(['id', 'department_id']).where('organization_id', '=', organizationId).execute();
  const instruments = await catalog.all();
  const now = today();
  for (const [index, demo] of CLIENTS.entries()) {
    const department = found(
      departments.find((candidate) => candidate.care_form === demo.careForm),
      `${demo.careForm} department`,
    );
    const client = await createClient(tx, {
      organizationId,
      departmentId: department.id,
      lastName: demo.name[0],
      firstName: demo.name[1],
      middleName: demo.name[2],
      birthDate: demo.birthDate,
      sex: demo.sex,
      snils: demoSnils(index),
      careForm: demo.careForm,
      livingSituation: demo.livingSituation,
      socialSupport: demo.socialSupport,
      externalId: `DEMO-${String(index + 1).padStart(3, '0')}`,
    });
    ids.push(client.id);
    const instrument = found(
      instruments.find((candidate) => candidate.careForm === demo.careForm),
      `${demo.careForm} instrument`,
    );
    const team = staff.filter((member) => member.department_id === department.id).map((member) => member.id);
    for (const [monthsAgo, points] of demo.scores) {
      await createAssessment(tx, { catalog, reassessmentMonths: 6 }, client.id, {
        instrumentId: instrument.id,
        assessedOn: addMonths(now, -monthsAgo),
        answers: answersScoring(instrument.items, points),
        conductedBy: team.slice(0, 2),
      });
    }
  }
  return ids;
}

/** Weekly sessions of the last three months, as [catalog code, RRULE days, local hour, position in charge, what in Russian]. */
const SERIES: Array<[string, string, number, Position, string]> = [
  ['exercise_therapy', 'MO,TH', 9, 'exercise_therapy_instructor', 'лечебная физкультура'],
  ['music_therapy', 'TU,FR', 11, 'psychologist', 'музыкотерапия'],
  ['labor_therapy', 'WE', 14, 'labor_instructor', 'посильная трудотерапия'],
];

/**
 * Three months of milieu therapy at the center: recurring sessions with attendance (mostly
 * attended, some absences) and an active support program for every client. Answers who led
 * which sessions, for the specialists' monthly reports.
 */
async function seedMilieuTherapy(tx: UnitOfWork, organizationId: string, clients: string[]): Promise<LedSessions[]> {
  const staff = await tx.scoped.selectFrom('staff').select(['id', 'position']).where('organization_id', '=', organizationId).execute();
  const types = await tx.scoped.selectFrom('activity_types').select(['id', 'code']).where('organization_id', 'is', null).execute();
  const typeOf = (code: string) =>
    found(
      types.find((type) => type.code === code),
      `activity type ${code}`,
    ).id;
  const staffOf = (position: Position) =>
    found(
      staff.find((member) => member.position === position),
      position,
    ).id;
  const now = today();
  const from = addMonths(now, -3);
  const until = `${now.replaceAll('-', '')}T000000Z`;
  const assessed = await tx.scoped
    .selectFrom('clients')
    .select('id')
    .where('id', 'in', clients)
    .where('current_assessment_id', 'is not', null)
    .execute();
  const participants = assessed.map((client) => client.id);
  const led: LedSessions[] = [];
  for (const [code, days, hour, position, what] of SERIES) {
    const { sessions } = await createSeries(tx, {
      organizationId,
      activityTypeId: typeOf(code),
      startsAt: instantOf({ ...parseDate(from), hour, minute: 0 }, 'Europe/Moscow').toISOString(),
      responsibleStaff: [staffOf(position)],
      place: 'Зал отделения',
      rule: `FREQ=WEEKLY;BYDAY=${days};UNTIL=${until}`,
    });
    led.push({ position, what, startsAt: sessions.map((session) => session.starts_at) });
    for (const [sessionIndex, session] of sessions.entries()) {
      await recordParticipation(tx, session.id, {
        participants: participants.map((clientId, clientIndex) => ({
          clientId,
          attendance: (clientIndex + sessionIndex) % 5 === 0 ? ('absent' as const) : ('attended' as const),
          engagement: (clientIndex + sessionIndex) % 4,
        })),
      });
      await tx.scoped
        .updateTable('activities')
        .set((eb) => ({ status: 'held', version: eb('version', '+', 1) }))
        .where('id', '=', session.id)
        .execute();
    }
  }
  for (const clientId of clients) {
    await createProgram(tx, clientId, {
      periodFrom: from,
      periodTo: addMonths(now, 3),
      goals: {
        physical: 'Сохранить двигательную активность',
        psychological: 'Поддерживать эмоциональную устойчивость',
        social: 'Участвовать в жизни отделения',
      },
      activities: SERIES.map(([code, days]) => ({
        activityTypeId: typeOf(code),
        timesPerWeek: days.split(',').length,
      })),
      draftedBy: [staffOf('psychologist')],
      status: 'active',
    });
  }
  return led;
}

function parseDate(date: string) {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}
