/*
 * The monthly report as CSV (section, figure, value rows for spreadsheets) and as a printable HTML
 * page with server-rendered SVG charts: no script, no external asset.
 */
import type { CsvSeparator, Position } from '../enums.js';
import { toCsv, type Cell } from '../reports/csv.js';
import { INDICATOR_NAMES } from './indicators.js';
import {
  ACTIVITY_STATUS_LABELS,
  DIRECTION_LABELS,
  GROUP_LABELS,
  INDICATOR_LABELS,
  POSITION_LABELS,
  QUESTIONNAIRE_LABELS,
  REPORT_STATUS_LABELS,
  TREND_LABELS,
  monthName,
  monthPeriod,
  russianNumber,
  shortMonthName,
  signedNumber,
  type GroupFigure,
  type QuestionnaireFigure,
} from './labels.js';
import type { MonitoringReport } from './report-schemas.js';

/** A specialist's short report of the month as the page shows it. */
export interface SpecialistReportEntry {
  fullName: string;
  position: Position;
  /** The sessions the specialist reports having held; null when the report does not say. */
  sessions: number | null;
  text: string;
}

/** What the printable page shows besides the report itself. */
export interface ReportPage {
  organizationName: string;
  /** The reports of the months up to this one, oldest first, for the charts. */
  history: MonitoringReport[];
  specialistReports: SpecialistReportEntry[];
}

/** Flattens the report into section;figure;value rows. */
export function reportCsv(report: MonitoringReport, separator: CsvSeparator): string {
  const { content } = report;
  const rows: Cell[][] = [
    ['report', 'organization_id', report.organizationId],
    ['report', 'department_id', report.departmentId],
    ['report', 'month', report.month],
    ['report', 'status', report.status],
    ...content.sessions.byDirection.flatMap((row) => [
      ['sessions_held', row.direction, row.held],
      ['sessions_cancelled', row.direction, row.cancelled],
    ]),
    ...Object.entries(content.participation).map(([key, value]) => ['participation', key, value]),
    ...Object.entries(content.supportPrograms).map(([key, value]) => ['support_programs', key, value]),
    ['questionnaires', 'count', content.questionnaires.count],
    ...Object.entries(content.questionnaires.averages).map(([key, value]) => ['questionnaire_average', key, value]),
    ...Object.entries(content.questionnaires.change).map(([key, value]) => ['questionnaire_change', key, value]),
    ...content.indicators.aggregate.flatMap((row) => [
      ['indicator_improved', row.indicator, row.improved],
      ['indicator_held', row.indicator, row.held],
      ['indicator_worsened', row.indicator, row.worsened],
    ]),
    ['clients', 'without_activity', content.clientsWithoutActivity.length],
    ...Object.entries(content.groups).map(([key, value]) => ['groups', key, value]),
  ];
  return toCsv(['section', 'figure', 'value'], rows, separator);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);

/** Horizontal bars: one row a label. */
function barChart(title: string, rows: Array<{ label: string; value: number }>): string {
  const width = 640;
  const labelWidth = 260;
  const rowHeight = 26;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const bars = rows
    .map((row, index) => {
      const y = 30 + index * rowHeight;
      const length = Math.round(((width - labelWidth - 60) * row.value) / max);
      return `<text x="0" y="${y + 16}" font-size="13">${escape(row.label)}</text>
<rect x="${labelWidth}" y="${y + 4}" width="${length}" height="16" fill="#3b6ea5"/>
<text x="${labelWidth + length + 6}" y="${y + 16}" font-size="13">${row.value}</text>`;
    })
    .join('\n');
  const height = 40 + rows.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<text x="0" y="16" font-size="15" font-weight="bold">${escape(title)}</text>
${bars}
</svg>`;
}

/** One line a series over the months, for the indicators' net change (improved − worsened). */
function lineChart(title: string, months: string[], series: Array<{ label: string; values: number[] }>): string {
  const width = 700;
  const height = 260;
  const left = 40;
  const top = 30;
  const plotWidth = 360;
  const plotHeight = 180;
  const all = series.flatMap((line) => line.values);
  const max = Math.max(1, ...all.map(Math.abs));
  const x = (index: number) => left + (months.length === 1 ? plotWidth / 2 : (plotWidth * index) / (months.length - 1));
  const y = (value: number) => top + plotHeight / 2 - (value / max) * (plotHeight / 2);
  const colors = ['#3b6ea5', '#c0504d', '#9bbb59', '#8064a2', '#4bacc6', '#f79646'];
  const lines = series
    .map((line, index) => {
      const points = line.values.map((value, i) => `${x(i)},${y(value)}`).join(' ');
      return `<polyline fill="none" stroke="${colors[index % colors.length]}" stroke-width="2" points="${points}"/>
<text x="${left + plotWidth + 20}" y="${top + 14 + index * 18}" font-size="12" fill="${colors[index % colors.length]}">${escape(line.label)}</text>`;
    })
    .join('\n');
  const axis = months
    .map((month, i) => `<text x="${x(i)}" y="${top + plotHeight + 18}" font-size="11" text-anchor="middle">${shortMonthName(month)}</text>`)
    .join('\n');
  const scale = [max, 0, -max]
    .map((value) => `<text x="${left - 8}" y="${y(value) + 4}" font-size="11" text-anchor="end">${signedNumber(value)}</text>`)
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<text x="0" y="16" font-size="15" font-weight="bold">${escape(title)}</text>
<line x1="${left}" y1="${y(0)}" x2="${left + plotWidth}" y2="${y(0)}" stroke="#999"/>
${scale}
${axis}
${lines}
</svg>`;
}

/** A table with a header row; every cell escaped. */
function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = (tag: 'th' | 'td', row: Array<string | number>) => row.map((cell) => `<${tag}>${escape(String(cell))}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', headers)}</tr></thead><tbody>${rows.map((row) => `<tr>${cells('td', row)}</tr>`).join('')}</tbody></table>`;
}

const percent = (value: number | null) => (value === null ? russianNumber(null) : `${russianNumber(value)} %`);

/** One block a specialist; the text keeps the line breaks its author typed (white-space: pre-line). */
function specialistSection(entries: SpecialistReportEntry[]): string {
  if (entries.length === 0) return '<p>За месяц краткие отчёты специалистов не представлены.</p>';
  return entries
    .map(
      (entry) => `<article>
<h3>${escape(entry.fullName)}</h3>
<p>${escape(POSITION_LABELS[entry.position])}; проведено занятий: ${russianNumber(entry.sessions)}</p>
<p class="text">${escape(entry.text)}</p>
</article>`,
    )
    .join('\n');
}

/**
 * A printable page in Russian: the figures as tables and two charts, styled inline (no external
 * asset). Every word a reader sees comes from labels.ts; the machine names stay in JSON and CSV.
 */
export function reportHtml(report: MonitoringReport, { organizationName, history, specialistReports }: ReportPage): string {
  const { content } = report;
  const { questionnaires } = content;
  const months = history.map((entry) => entry.month);
  const questionnaireFigures = Object.keys(QUESTIONNAIRE_LABELS) as QuestionnaireFigure[];
  const groupFigures = Object.keys(GROUP_LABELS) as GroupFigure[];
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<title>Мониторинг милиотерапии — ${escape(organizationName)} — ${monthName(report.month)}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; } h3 { font-size: 1em; margin: 1em 0 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #bbb; padding: 4px 10px; text-align: left; }
thead th { background: #f3f3f3; } td + td { text-align: right; } .status { color: ${report.status === 'approved' ? '#2e7d32' : '#b26a00'}; }
article { break-inside: avoid; } article p { margin: 0.3em 0; } .text { white-space: pre-line; }
@media print { body { margin: 0; } }
</style></head>
<body>
<h1>Ежемесячный мониторинг технологии «Милиотерапия»</h1>
<p>${escape(organizationName)}</p>
<p>Отчётный месяц: ${monthName(report.month)} (${monthPeriod(report.month)}); статус: <span class="status">${REPORT_STATUS_LABELS[report.status]}</span></p>
<h2>Мероприятия по направлениям</h2>
${barChart(
  'Проведено мероприятий по направлениям',
  content.sessions.byDirection.map((row) => ({ label: DIRECTION_LABELS[row.direction], value: row.held })),
)}
${table(
  ['Направление', ACTIVITY_STATUS_LABELS.held, ACTIVITY_STATUS_LABELS.cancelled, ACTIVITY_STATUS_LABELS.planned],
  [
    ...content.sessions.byDirection.map((row) => [DIRECTION_LABELS[row.direction], row.held, row.cancelled, row.planned]),
    ['Всего', content.sessions.held, content.sessions.cancelled, content.sessions.planned],
  ],
)}
<h2>Посещаемость и программы сопровождения</h2>
${table(
  ['Показатель', 'Значение'],
  [
    ['Получателей услуг, посетивших мероприятия', content.participation.participants],
    ['Посещений', content.participation.attended],
    ['Записей об участии в проведённых мероприятиях', content.participation.records],
    ['Посещаемость', percent(content.participation.attendanceRate)],
    ['Доля активного участия', percent(content.participation.activeShare)],
    ['Доля пассивного участия', percent(content.participation.passiveShare)],
    ['Действующих программ сопровождения', content.supportPrograms.running],
    ['Выполнение программ сопровождения', percent(content.supportPrograms.fulfilment)],
    ['Получателей услуг без мероприятий в месяце', content.clientsWithoutActivity.length],
  ],
)}
<h2>Краткие отчёты специалистов</h2>
${specialistSection(specialistReports)}
<h2>Анкетирование получателей социальных услуг</h2>
<p>Заполнено анкет: ${questionnaires.count} (в прошлом месяце: ${questionnaires.previousCount}). Средние оценки по шкале от 1 до 5 баллов.</p>
${table(
  ['Составляющая', 'Средняя оценка', 'В прошлом месяце', 'Изменение'],
  questionnaireFigures.map((figure) => [
    QUESTIONNAIRE_LABELS[figure],
    russianNumber(questionnaires.averages[figure]),
    russianNumber(questionnaires.previous[figure]),
    signedNumber(questionnaires.change[figure]),
  ]),
)}
<h2>Показатели результативности</h2>
<p>Получателей услуг под наблюдением в месяце: ${content.indicators.clients.length}; сравнение с их предыдущим наблюдением.</p>
${table(
  ['Показатель', TREND_LABELS.improved, TREND_LABELS.held, TREND_LABELS.worsened],
  content.indicators.aggregate.map((row) => [INDICATOR_LABELS[row.indicator], row.improved, row.held, row.worsened]),
)}
${lineChart(
  'Показатели по месяцам: улучшение минус ухудшение',
  months,
  INDICATOR_NAMES.map((indicator) => ({
    label: INDICATOR_LABELS[indicator],
    values: history.map((entry) => {
      const row = entry.content.indicators.aggregate.find((candidate) => candidate.indicator === indicator);
      return row ? row.improved - row.worsened : 0;
    }),
  })),
)}
<h2>Группы функционирования</h2>
${table(
  ['Группа', 'Получателей услуг'],
  groupFigures.map((figure) => [GROUP_LABELS[figure], content.groups[figure]]),
)}
</body></html>
`;
}
