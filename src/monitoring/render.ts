/*
 * The monthly report as CSV (section, figure, value rows for spreadsheets) and as a printable HTML
 * page with server-rendered SVG charts: no script, no external asset.
 */
import type { CsvSeparator, Direction } from '../enums.js';
import { toCsv, type Cell } from '../reports/csv.js';
import { INDICATOR_NAMES, type Indicator } from './indicators.js';
import type { MonitoringReport } from './report-schemas.js';

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

const DIRECTION_NAMES: Record<Direction, string> = {
  physical_health: 'Физкультурно-оздоровительное',
  cultural_leisure: 'Культурно-досуговое',
  informational_educational: 'Информационно-просветительское',
  labor_therapy: 'Посильная трудотерапия',
  psychological: 'Психологическое',
  medical: 'Медицинское',
};

const INDICATOR_NAMES_RU: Record<Indicator, string> = {
  selfCareSkills: 'Навыки самообслуживания',
  rangeOfInterests: 'Круг интересов',
  communication: 'Коммуникативные способности',
  emotionalStability: 'Эмоциональная устойчивость',
  depressiveEpisodes: 'Депрессивные эпизоды',
  aggressiveness: 'Агрессивность, конфликтность',
};

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
  const width = 640;
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
  const axis = months.map((month, i) => `<text x="${x(i) - 18}" y="${top + plotHeight + 18}" font-size="11">${month}</text>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escape(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<text x="0" y="16" font-size="15" font-weight="bold">${escape(title)}</text>
<line x1="${left}" y1="${y(0)}" x2="${left + plotWidth}" y2="${y(0)}" stroke="#999"/>
${axis}
${lines}
</svg>`;
}

/** A printable page: the figures as tables and two charts, styled inline (no external asset). */
export function reportHtml(report: MonitoringReport, organizationName: string, history: MonitoringReport[]): string {
  const { content } = report;
  const months = history.map((entry) => entry.month);
  const figure = (value: number | null, suffix = '') => (value === null ? '—' : `${value}${suffix}`);
  const table = (rows: Array<[string, string | number]>) =>
    `<table>${rows.map(([label, value]) => `<tr><th>${escape(label)}</th><td>${escape(String(value))}</td></tr>`).join('')}</table>`;
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<title>Мониторинг милиотерапии — ${escape(organizationName)} — ${report.month}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0; } th, td { border: 1px solid #bbb; padding: 4px 10px; text-align: left; }
th { font-weight: normal; background: #f3f3f3; } .status { color: ${report.status === 'approved' ? '#2e7d32' : '#b26a00'}; }
@media print { body { margin: 0; } }
</style></head>
<body>
<h1>Ежемесячный мониторинг технологии «Милиотерапия»</h1>
<p>${escape(organizationName)}; месяц: ${report.month}; <span class="status">${report.status === 'approved' ? 'утверждён' : 'черновик'}</span></p>
<h2>Мероприятия и посещаемость</h2>
${barChart(
  'Проведено мероприятий по направлениям',
  content.sessions.byDirection.map((row) => ({ label: DIRECTION_NAMES[row.direction], value: row.held })),
)}
${table([
  ['Проведено', content.sessions.held],
  ['Отменено', content.sessions.cancelled],
  ['Участников', content.participation.participants],
  ['Посещаемость', figure(content.participation.attendanceRate, ' %')],
  ['Активное участие', figure(content.participation.activeShare, ' %')],
  ['Пассивное участие', figure(content.participation.passiveShare, ' %')],
  ['Выполнение программ сопровождения', figure(content.supportPrograms.fulfilment, ' %')],
  ['Без мероприятий в месяце', content.clientsWithoutActivity.length],
])}
<h2>Анкетирование (средние, 1–5)</h2>
${table(Object.entries(content.questionnaires.averages).map(([key, value]) => [key, `${figure(value)} (изменение: ${figure(content.questionnaires.change[key as keyof typeof content.questionnaires.change])})`]))}
<h2>Показатели результативности</h2>
${table(content.indicators.aggregate.map((row) => [INDICATOR_NAMES_RU[row.indicator], `улучшение ${row.improved}, без изменений ${row.held}, ухудшение ${row.worsened}`]))}
${lineChart(
  'Показатели по месяцам: улучшение минус ухудшение',
  months,
  INDICATOR_NAMES.map((indicator) => ({
    label: INDICATOR_NAMES_RU[indicator],
    values: history.map((entry) => {
      const row = entry.content.indicators.aggregate.find((candidate) => candidate.indicator === indicator);
      return row ? row.improved - row.worsened : 0;
    }),
  })),
)}
<h2>Группы функционирования</h2>
${table(Object.entries(content.groups).map(([key, value]) => [key === 'neverAssessed' ? 'Не оценены' : `Группа ${key}`, value]))}
</body></html>
`;
}
