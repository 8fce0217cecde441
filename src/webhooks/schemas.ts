import { Type, type Static } from '@sinclair/typebox';
import { SubscriptionStatus, WebhookEventType } from '../enums.js';
import { PageQuery, Timestamp, Uuid } from '../http/common-schemas.js';

const Url = Type.String({
  format: 'uri',
  pattern: '^https?://',
  maxLength: 2000,
  description: 'Where the events are POSTed: an http or https URL. Redirects are not followed (a 3xx is a failed delivery).',
  examples: ['https://eis.region.example/hooks/ltc'],
});

const EventTypes = Type.Array(WebhookEventType, {
  minItems: 1,
  maxItems: WebhookEventType.values.length,
  uniqueItems: true,
  description: 'The events to deliver.',
  examples: [['client.created', 'client.updated', 'assessment.created']],
});

const Description = Type.String({ minLength: 1, maxLength: 500, description: 'What the receiver is, for people.' });

const FeedCursor = Type.String({
  maxLength: 100,
  description: 'A place in the change feed: a `cursor` of `GET /v1/changes`, or a delivery’s `replayFrom`. The events after it are sent.',
});

export const CreateSubscriptionSchema = Type.Object(
  {
    url: Url,
    eventTypes: EventTypes,
    description: Type.Optional(Description),
    organizationId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description:
          'Whose events: a provider’s subscription is its own organization’s (this may only name it); an admin’s is every ' +
          'organization’s unless it names one.',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'CreateSubscription',
    examples: [
      {
        url: 'https://eis.region.example/hooks/ltc',
        eventTypes: ['client.created', 'client.updated', 'assessment.created', 'decision.created'],
        description: 'ЕИС социальной защиты региона',
      },
    ],
  },
);
export type CreateSubscription = Static<typeof CreateSubscriptionSchema>;

export const UpdateSubscriptionSchema = Type.Object(
  {
    url: Type.Optional(Url),
    eventTypes: Type.Optional(EventTypes),
    description: Type.Optional(Type.Union([Description, Type.Null()])),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('paused')], {
        description: '`paused` holds the deliveries (events wait); `active` resumes them, also of a failing subscription.',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateSubscription', examples: [{ status: 'paused' }] },
);
export type UpdateSubscription = Static<typeof UpdateSubscriptionSchema>;

export const ReplaySchema = Type.Object(
  {
    since: Type.Optional(FeedCursor),
  },
  { additionalProperties: false, title: 'Replay', examples: [{ since: 'MTIzNC41Ng' }] },
);

const Backlog = Type.Object(
  {
    attempts: Type.Integer({ description: 'Failed attempts of the next event; 0 when the last attempt succeeded.' }),
    failingSince: Type.Union([Timestamp, Type.Null()], { description: 'The first failed attempt of the next event.' }),
    nextAttemptAt: Type.Union([Timestamp, Type.Null()], { description: 'When the next event is tried again.' }),
    lastError: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Where the deliveries stand.' },
);

const subscriptionFields = {
  id: Uuid,
  url: Type.String(),
  eventTypes: Type.Array(WebhookEventType),
  description: Type.Union([Type.String(), Type.Null()]),
  organizationId: Type.Union([Uuid, Type.Null()], { description: 'Whose events; null: every organization’s.' }),
  status: SubscriptionStatus,
  cursor: Type.String({ description: 'The change-feed position delivered up to: the events after it are the backlog.' }),
  backlog: Backlog,
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const SubscriptionSchema = Type.Object(subscriptionFields, { title: 'Subscription' });
export type Subscription = Static<typeof SubscriptionSchema>;

export const CreatedSubscriptionSchema = Type.Object(
  {
    ...subscriptionFields,
    secret: Type.String({
      description:
        'The signing secret (`whsec_…`, Standard Webhooks). Answered only here: keep it with the receiver to check `webhook-signature`.',
    }),
  },
  { title: 'CreatedSubscription' },
);

export const DeliverySchema = Type.Object(
  {
    id: Uuid,
    messageId: Type.String({ description: 'The `webhook-id`: the same for every attempt and replay of one event.' }),
    eventType: WebhookEventType,
    entityId: Uuid,
    replayFrom: Type.String({
      description: 'A change-feed cursor just before the event: replay `since` it to send this event and the later ones again.',
    }),
    attempt: Type.Integer({ minimum: 1 }),
    succeeded: Type.Boolean(),
    statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'The receiver’s status; null when it did not answer.' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why the attempt failed.' }),
    response: Type.Union([Type.String(), Type.Null()], { description: 'The start of the receiver’s answer (1,000 characters at most).' }),
    durationMs: Type.Integer(),
    attemptedAt: Timestamp,
  },
  { title: 'Delivery' },
);

export const SubscriptionParams = Type.Object({ subscriptionId: Uuid }, { additionalProperties: false });

export const SubscriptionPageQuery = Type.Object(PageQuery, { additionalProperties: false });
