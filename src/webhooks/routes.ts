import { Page } from '../http/common-schemas.js';
import { IfMatchHeaders, readIfMatch, setEtag } from '../http/etag.js';
import { paginate } from '../http/pagination.js';
import { problemResponses } from '../http/problem.js';
import { OtherOrganization } from '../http/problems.js';
import type { Routes } from '../http/typebox.js';
import { deliveriesQuery, subscriptionsQuery } from './repository.js';
import {
  CreatedSubscriptionSchema,
  CreateSubscriptionSchema,
  DeliverySchema,
  ReplaySchema,
  SubscriptionPageQuery,
  SubscriptionParams,
  SubscriptionSchema,
  UpdateSubscriptionSchema,
} from './schemas.js';
import { createSubscription, getSubscription, replay, toDelivery, toSubscription, updateSubscription } from './service.js';

const tags = ['webhooks'];
const owners = { roles: ['admin', 'provider'] } as const;

const delivery =
  'Events are POSTed as JSON `{ type, timestamp, data }`, `data` being the change as `GET /v1/changes` lists it (ids and ' +
  'versions, no personal data: the receiver reads the record with its own key). Each is signed by the Standard Webhooks ' +
  'scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the subscription’s secret, sent in change-feed ' +
  'order, at least once (`webhook-id` tells repeats apart), and retried with exponential backoff for 24 hours before the ' +
  'subscription turns `failing`, keeping its backlog.';

const webhookRoutes: Routes = async (app) => {
  app.post(
    '/v1/subscriptions',
    {
      schema: {
        tags,
        operationId: 'createSubscription',
        summary: 'Subscribe a receiver to events',
        description: `${delivery} A provider subscribes to its own organization’s events; an admin to every organization’s or one’s. The events start with the changes committed from now on.`,
        body: CreateSubscriptionSchema,
        response: { 201: CreatedSubscriptionSchema, ...problemResponses(400, 404, OtherOrganization) },
      },
      config: { access: owners, audit: { action: 'create', resource: 'webhook_subscription' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => createSubscription(tx, request.body));
      setEtag(reply, row.version);
      return reply
        .code(201)
        .header('location', `/v1/subscriptions/${row.id}`)
        .send({ ...toSubscription(row), secret: row.secret });
    },
  );

  app.get(
    '/v1/subscriptions',
    {
      schema: {
        tags,
        operationId: 'listSubscriptions',
        summary: 'The subscriptions: a provider’s own organization’s, all for an admin',
        querystring: SubscriptionPageQuery,
        response: { 200: Page(SubscriptionSchema, 'SubscriptionPage'), ...problemResponses(400) },
      },
      config: { access: owners },
    },
    async (request) => paginate(request, subscriptionsQuery(request.ctx), 'webhook_subscriptions', (rows) => rows.map(toSubscription)),
  );

  app.get(
    '/v1/subscriptions/:subscriptionId',
    {
      schema: {
        tags,
        operationId: 'getSubscription',
        summary: 'A subscription and where its deliveries stand',
        params: SubscriptionParams,
        response: { 200: SubscriptionSchema, ...problemResponses(400, 404) },
      },
      config: { access: owners },
    },
    async (request, reply) => {
      const row = await getSubscription(request.ctx, request.params.subscriptionId);
      setEtag(reply, row.version);
      return toSubscription(row);
    },
  );

  app.patch(
    '/v1/subscriptions/:subscriptionId',
    {
      schema: {
        tags,
        operationId: 'updateSubscription',
        summary: 'Change a subscription’s receiver or events, pause or resume it',
        description:
          'Needs If-Match. `status: paused` holds the deliveries, the events wait; `active` resumes them, a failing ' +
          'subscription’s too, from where it stopped. A subscription is never deleted: its deliveries stay listed.',
        params: SubscriptionParams,
        headers: IfMatchHeaders,
        body: UpdateSubscriptionSchema,
        response: { 200: SubscriptionSchema, ...problemResponses(400, 404, 412, 428) },
      },
      config: { access: owners, audit: { action: 'update', resource: 'webhook_subscription', id: 'params.subscriptionId' } },
    },
    async (request, reply) => {
      const ifMatch = readIfMatch(request);
      const row = await request.ctx.write((tx) => updateSubscription(tx, request.params.subscriptionId, ifMatch, request.body));
      setEtag(reply, row.version);
      return toSubscription(row);
    },
  );

  app.post(
    '/v1/subscriptions/:subscriptionId/replay',
    {
      schema: {
        tags,
        operationId: 'replaySubscription',
        summary: 'Send the events after a point in the change feed again, or retry the backlog now',
        description:
          'With `since` (a `cursor` of `GET /v1/changes`, or a delivery’s `replayFrom`), every event after it is sent again, ' +
          'in order, with its original `webhook-id`; without it, the backlog is tried at once. Either way the subscription is ' +
          '`active` again with no failure counted.',
        params: SubscriptionParams,
        body: ReplaySchema,
        response: { 202: SubscriptionSchema, ...problemResponses(400, 404) },
      },
      config: { access: owners, audit: { action: 'update', resource: 'webhook_subscription', id: 'params.subscriptionId' } },
    },
    async (request, reply) => {
      const row = await request.ctx.write((tx) => replay(tx, request.params.subscriptionId, request.body.since));
      setEtag(reply, row.version);
      return reply.code(202).send(toSubscription(row));
    },
  );

  app.get(
    '/v1/subscriptions/:subscriptionId/deliveries',
    {
      schema: {
        tags,
        operationId: 'listDeliveries',
        summary: 'Every attempt to deliver an event of the subscription, with the receiver’s answer',
        description: 'Oldest first. An event that failed has an attempt per retry; a replayed one attempts of its own.',
        params: SubscriptionParams,
        querystring: SubscriptionPageQuery,
        response: { 200: Page(DeliverySchema, 'DeliveryPage'), ...problemResponses(400, 404) },
      },
      config: { access: owners },
    },
    async (request) => {
      const subscription = await getSubscription(request.ctx, request.params.subscriptionId);
      return paginate(request, deliveriesQuery(request.ctx, subscription.id), 'webhook_deliveries', (rows) => rows.map(toDelivery));
    },
  );
};

export default webhookRoutes;
