/*
 * The Russian words and formats of the printable monitoring report. The API keeps its machine
 * names (JSON, CSV); a reader of the printed page sees these instead. Each map is keyed by the type
 * of what it names, so a value added to an enumeration without its label here does not compile,
 * and test/monitoring/monthly-report.test.ts checks every value has a Russian one.
 * The wording is the milieu therapy technology's own (seeds/000: its directions, the four
 * components of quality of life, the outcomes it expects to improve, the team's positions).
 */
import type { ActivityStatus, Component, Direction, Position, ReportStatus } from '../enums.js';
import type { Indicator, Trend } from './indicators.js';
import type { ReportContent } from './report-schemas.js';

export type QuestionnaireFigure = keyof ReportContent['questionnaires']['averages'];
export type GroupFigure = keyof ReportContent['groups'];

export const DIRECTION_LABELS: Record<Direction, string> = {
  physical_health: 'Физкультурно-оздоровительное',
  cultural_leisure: 'Культурно-досуговое',
  informational_educational: 'Информационно-просветительское',
  labor_therapy: 'Посильная трудотерапия',
  psychological: 'Психологическое',
  medical: 'Медицинское',
};

export const COMPONENT_LABELS: Record<Component, string> = {
  physical: 'Физическое качество жизни',
  psychological: 'Качество психической жизни и психологическое благополучие',
  social: 'Социальное качество жизни',
  spiritual: 'Духовное качество жизни',
};

/** The questionnaire's figures: the four components, then the two satisfaction questions of the template. */
export const QUESTIONNAIRE_LABELS: Record<QuestionnaireFigure, string> = {
  ...COMPONENT_LABELS,
  satisfactionProcess: 'Удовлетворённость процессом занятий',
  satisfactionResults: 'Удовлетворённость результатами занятий',
};

/** The outcomes the technology expects: skills strengthened, interests widened, the emotional state steadied. */
export const INDICATOR_LABELS: Record<Indicator, string> = {
  selfCareSkills: 'Навыки самообслуживания',
  rangeOfInterests: 'Круг интересов',
  communication: 'Коммуникативные способности',
  emotionalStability: 'Стабильность эмоционального фона',
  depressiveEpisodes: 'Депрессивные состояния',
  aggressiveness: 'Агрессивность и конфликтность',
};

export const TREND_LABELS: Record<Trend, string> = { improved: 'Улучшение', held: 'Без изменений', worsened: 'Ухудшение' };

export const ACTIVITY_STATUS_LABELS: Record<ActivityStatus, string> = {
  planned: 'Запланировано',
  held: 'Проведено',
  cancelled: 'Отменено',
};

/** The team as the technology lists it (head of the unit, doctor, instructors, librarian, psychologist, specialist), then the care staff. */
export const POSITION_LABELS: Record<Position, string> = {
  head_of_department: 'Заведующий структурным подразделением',
  doctor: 'Врач',
  labor_instructor: 'Инструктор по труду',
  exercise_therapy_instructor: 'Инструктор по лечебной физкультуре',
  librarian: 'Библиотекарь',
  psychologist: 'Психолог',
  social_work_specialist: 'Специалист по социальной работе',
  social_worker: 'Социальный работник',
  nurse: 'Медицинская сестра',
  care_assistant: 'Помощник по уходу',
  other: 'Иная должность',
};

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = { draft: 'черновик', approved: 'утверждён' };

export const GROUP_LABELS: Record<GroupFigure, string> = {
  '1': 'Группа 1',
  '2': 'Группа 2',
  '3': 'Группа 3',
  '4': 'Группа 4',
  '5': 'Группа 5',
  '6': 'Группа 6',
  neverAssessed: 'Не оценены',
};

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
const SHORT_MONTHS = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

function monthParts(month: string): [number, number] {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return [year, number];
}

/** 'YYYY-MM' as the page's heading says it: «февраль 2025 г.». */
export function monthName(month: string): string {
  const [year, number] = monthParts(month);
  return `${MONTHS[number - 1]} ${year} г.`;
}

/** 'YYYY-MM' under a chart's axis: «фев 2025». */
export function shortMonthName(month: string): string {
  const [year, number] = monthParts(month);
  return `${SHORT_MONTHS[number - 1]} ${year}`;
}

/** A calendar date 'YYYY-MM-DD' as Russian documents write it: dd.mm.yyyy. */
export function russianDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}

/** The month's first and last days, dd.mm.yyyy. */
export function monthPeriod(month: string): string {
  const [year, number] = monthParts(month);
  const lastDay = new Date(Date.UTC(year, number, 0)).toISOString().slice(0, 10);
  return `${russianDate(`${month}-01`)}–${russianDate(lastDay)}`;
}

/** A figure with the decimal comma; a missing one (no data in the month) as a dash. */
export function russianNumber(value: number | null): string {
  return value === null ? '—' : String(value).replace('.', ',');
}

/** A change with its sign, the minus a typographic one: «+0,5», «−1». */
export function signedNumber(value: number | null): string {
  if (value === null || value === 0) return russianNumber(value);
  return value > 0 ? `+${russianNumber(value)}` : `−${russianNumber(-value)}`;
}
