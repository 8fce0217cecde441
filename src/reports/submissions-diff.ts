import type { TSchema } from '@sinclair/typebox';
import type { CsvSeparator } from '../enums.js';
import { toCsv, type Cell } from './csv.js';
import { LongTermCareReportSchema, type LongTermCareReport } from './schemas.js';
import type { FigureChange, Submission, SubmissionDiff, SubmissionSummary } from './submissions-schemas.js';

/*
 * What changed between two submissions, organization by organization: each figure whose value
 * differs, and nothing else, so that the diff names exactly the changes between the months.
 */

/** Not figures of their own: names, and the cost, which follows from the hours and a rate. */
const NOT_COMPARED = new Set(['organizationId', 'name', 'monthlyCost']);

// EPSILON keeps exact halves rounding up, as the report rounds its FTE.
const round2 = (value: number) => Math.round((value + Number.EPSILON) * 100) / 100;

/** The paths of the figures the report's schema declares, in its order: the order of a diff. */
function schemaPaths(properties: Record<string, TSchema>, prefix = ''): string[] {
  return Object.entries(properties).flatMap(([key, schema]) => {
    if (NOT_COMPARED.has(key)) return [];
    const path = `${prefix}${key}`;
    return 'properties' in schema ? schemaPaths(schema.properties as Record<string, TSchema>, `${path}.`) : [path];
  });
}

const ORDER = new Map(schemaPaths(LongTermCareReportSchema.properties.total.properties).map((path, index) => [path, index]));
const rank = (path: string) => ORDER.get(path) ?? ORDER.size;

/**
 * A report's figures by path (`groups.3`, `hours.optimal`). Read from the stored snapshot
 * generically (jsonb keeps no key order: the schema's order is restored by `figureChanges`), so
 * a figure the report gains later is compared too, and a snapshot stored before it lacks it.
 */
export function figuresOf(figures: object, prefix = ''): Map<string, number> {
  const paths = new Map<string, number>();
  for (const [key, value] of Object.entries(figures) as Array<[string, unknown]>) {
    if (NOT_COMPARED.has(key)) continue;
    const path = `${prefix}${key}`;
    if (typeof value === 'number') paths.set(path, value);
    else if (value !== null && typeof value === 'object') {
      for (const [inner, number] of figuresOf(value, `${path}.`)) paths.set(inner, number);
    }
  }
  return paths;
}

/** The figures that differ; an absent side (an organization or figure not there) is null and counts 0. */
export function figureChanges(before: Map<string, number> | undefined, after: Map<string, number> | undefined): FigureChange[] {
  const paths = [...new Set([...(after?.keys() ?? []), ...(before?.keys() ?? [])])].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const changes: FigureChange[] = [];
  for (const figure of paths) {
    const from = before?.get(figure) ?? null;
    const to = after?.get(figure) ?? null;
    const delta = round2((to ?? 0) - (from ?? 0));
    if (delta !== 0) changes.push({ figure, before: from, after: to, delta });
  }
  return changes;
}

type Organization = LongTermCareReport['organizations'][number];

export function diffSubmissions(
  submission: Submission,
  against: Submission,
  summaries: { submission: SubmissionSummary; against: SubmissionSummary },
): SubmissionDiff {
  const earlier = new Map(against.report.organizations.map((organization) => [organization.organizationId, organization]));
  const later = new Map(submission.report.organizations.map((organization) => [organization.organizationId, organization]));
  const ids = new Set([...later.keys(), ...earlier.keys()]);
  const organizations: SubmissionDiff['organizations'] = [];
  for (const id of ids) {
    const before: Organization | undefined = earlier.get(id);
    const after: Organization | undefined = later.get(id);
    const changes = figureChanges(before && figuresOf(before), after && figuresOf(after));
    const status = !before ? 'added' : !after ? 'removed' : 'changed';
    // An organization that came or went is named even with no figure but zeros.
    if (status === 'changed' && changes.length === 0) continue;
    organizations.push({ organizationId: id, name: (after ?? before)?.name ?? '', status, changes });
  }
  organizations.sort((a, b) => a.name.localeCompare(b.name, 'ru') || a.organizationId.localeCompare(b.organizationId));
  return {
    ...summaries,
    organizations,
    total: figureChanges(figuresOf(against.report.total), figuresOf(submission.report.total)),
  };
}

/** One row per organization and changed figure, then the totals' rows. */
export function diffCsv(diff: SubmissionDiff, separator: CsvSeparator): string {
  const header = ['organization_id', 'organization', 'status', 'figure', 'before', 'after', 'delta'];
  const rows: Cell[][] = [];
  for (const organization of diff.organizations) {
    if (organization.changes.length === 0)
      rows.push([organization.organizationId, organization.name, organization.status, null, null, null, null]);
    for (const change of organization.changes) {
      rows.push([
        organization.organizationId,
        organization.name,
        organization.status,
        change.figure,
        change.before,
        change.after,
        change.delta,
      ]);
    }
  }
  for (const change of diff.total) rows.push(['', 'Итого', null, change.figure, change.before, change.after, change.delta]);
  return toCsv(header, rows, separator);
}
