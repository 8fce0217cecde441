import type { Db } from '../db/database.js';
import { createApiKey } from '../api-keys/service.js';
import { createDepartment } from '../departments/service.js';
import { createOrganization } from '../organizations/service.js';
import { createStaff } from '../staff/service.js';
import type { StaffMember } from '../staff/schemas.js';

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

const STAFF: Array<{ fullName: string; position: StaffMember['position'] }> = [
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

export interface DemoSummary {
  created: boolean;
  providerKey?: string;
}

/** Adds the demo data once; a second run finds it by INN and changes nothing. */
export async function seedDemo(db: Db): Promise<DemoSummary> {
  const existing = await db.selectFrom('organizations').select('id').where('inn', '=', ORGANIZATIONS[0].inn).executeTakeFirst();
  if (existing) return { created: false };

  return db.transaction().execute(async (trx) => {
    let firstCenter: string | undefined;
    const staff = [...STAFF];
    let department = 0;
    for (const { departments, ...fields } of ORGANIZATIONS) {
      const organization = await createOrganization(trx, fields);
      firstCenter ??= organization.id;
      for (const fields of departments) {
        const row = await createDepartment(trx, organization.id, fields);
        for (const member of staff.splice(0, TEAM_SIZES[department++])) {
          await createStaff(trx, { organizationId: organization.id, departmentId: row.id, ...member });
        }
      }
    }
    const { secret } = await createApiKey(trx, { name: 'demo provider', role: 'provider', organizationId: firstCenter! });
    return { created: true, providerKey: secret };
  });
}
