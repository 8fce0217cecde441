import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Context } from '../context/request-context.js';
import { ChangeEntity, ChangeOperation } from '../enums.js';
import { Uuid } from '../http/common-schemas.js';
import { invalidParameter } from '../http/problems.js';
import type { FieldError } from '../http/problem.js';
import { problemResponses } from '../http/problem.js';
import type { Routes } from '../http/typebox.js';

const ChangeSchema = Type.Object({
  type: ChangeEntity,
  id: Uuid,
  operation: ChangeOperation,
  version: Type.Integer({ description: 'The record’s version after the change (its ETag).' }),
  organizationId: Uuid,
  at: Type.String({ format: 'date-time' }),
});

const ChangesPage = Type.Object(
  {
    items: Type.Array(ChangeSchema),
    cursor: Type.String({ description: 'Send as `since` next time; unchanged when nothing new has committed.' }),
    next: Type.Union([Type.String(), Type.Null()], { description: 'The next page when this one was full.' }),
  },
  { title: 'ChangesPage' },
);

/** A place in the feed: the last change read, in (transaction, change) order. */
export interface FeedPosition {
  xid: string;
  seq: number;
}

/** The feed's cursors: opaque to callers, the same for /v1/changes and webhook replays. */
export const encodeFeedPosition = ({ xid, seq }: FeedPosition) => Buffer.from(`${xid}.${seq}`).toString('base64url');

/** The largest xid8 PostgreSQL accepts; a larger number would fail in the query instead of here. */
const MAX_XID8 = 2n ** 64n - 1n;

/** The position a cursor names, or a 400 naming the field it came in; absent: the feed's start. */
export function decodeFeedPosition(cursor: string | undefined, where: FieldError['in'] = 'querystring', pointer = '/since'): FeedPosition {
  if (cursor === undefined) return { xid: '0', seq: 0 };
  const [, xid, seq] = /^(\d{1,20})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8')) ?? [];
  const position = xid !== undefined && seq !== undefined ? { xid: BigInt(xid).toString(), seq: Number(seq) } : undefined;
  // Exactly what `encode` makes: the decoder skips what it cannot read, and a number out of
  // range is no position this service issued either.
  if (!position || BigInt(position.xid) > MAX_XID8 || encodeFeedPosition(position) !== cursor) {
    throw invalidParameter(where, pointer, 'is not a cursor this service issued');
  }
  return position;
}

/**
 * Changes after `since`, of transactions that no running transaction can precede any more: only
 * rows whose transaction id is below the snapshot's xmin are read, in (transaction, change) order.
 * A transaction still running holds the feed back at its own id, so a page never skips a change
 * that commits later, and no change is read twice.
 */
export function changesAfter(ctx: Context, since: FeedPosition) {
  return ctx.scoped
    .selectFrom('changes')
    .select([
      'changes.seq',
      sql<string>`changes.xid::text`.as('xid'),
      'changes.entity_type',
      'changes.entity_id',
      'changes.operation',
      'changes.version',
      'changes.organization_id',
      'changes.at',
    ])
    .where(sql<boolean>`(changes.xid, changes.seq) > (${since.xid}::xid8, ${since.seq}::bigint)`)
    .where(sql<boolean>`changes.xid < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('changes.xid')
    .orderBy('changes.seq');
}

/**
 * The feed's own paging, by position in (transaction, change) order rather than by creation
 * time: the cursor names the last change read, and stays where it was when nothing new committed.
 */
async function changesPage(ctx: Context, since: string | undefined, limit: number) {
  const position = decodeFeedPosition(since);
  const rows = await changesAfter(ctx, position).limit(limit).execute();
  const last = rows.at(-1);
  const cursor = encodeFeedPosition(last ? { xid: last.xid, seq: last.seq } : position);
  return {
    items: rows.map((row) => ({
      type: row.entity_type,
      id: row.entity_id,
      operation: row.operation,
      version: row.version,
      organizationId: row.organization_id,
      at: row.at.toISOString(),
    })),
    cursor,
    next: rows.length === limit ? `/v1/changes?since=${cursor}&limit=${limit}` : null,
  };
}

const changeRoutes: Routes = async (app) => {
  app.get(
    '/v1/changes',
    {
      schema: {
        tags: ['changes'],
        operationId: 'listChanges',
        summary: 'What changed since the last visit: clients, assessments and decisions, programs, sessions, carers, care visits, signals',
        description:
          'Creations and updates in the order their transactions became final. Follow `cursor` (as `since`); nothing is missed or ' +
          'repeated, also while writes go on. A provider sees its own organization’s changes.',
        querystring: Type.Object(
          {
            since: Type.Optional(
              Type.String({ maxLength: 100, description: 'The cursor of the previous answer; absent: from the start.' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: ChangesPage, ...problemResponses(400) },
      },
      config: { access: { roles: ['admin', 'regional', 'provider'] } },
    },
    async (request) => changesPage(request.ctx, request.query.since, request.query.limit),
  );
};

export default changeRoutes;
