import { z } from 'zod';

/**
 * A HubSpot webhook event as delivered (arrays of up to 100 per request). Fields per HubSpot's webhooks
 * reference: https://developers.hubspot.com/docs/api/webhooks ("Webhook payloads"). Unknown fields are kept:
 * HubSpot adds fields over time, and a receiver that refuses them would lose events.
 */
export const hubspotWebhookEventSchema = z
  .object({
    eventId: z.number(),
    subscriptionId: z.number(),
    portalId: z.number(),
    appId: z.number().optional(),
    occurredAt: z.number(),
    subscriptionType: z.string().regex(/^[a-z_0-9]+\.[A-Za-z]+$/, 'must look like contact.propertyChange'),
    attemptNumber: z.number().optional(),
    objectId: z.number(),
    changeSource: z.string().optional(),
    changeFlag: z.string().optional(),
    propertyName: z.string().optional(),
    propertyValue: z.string().optional(),
    primaryObjectId: z.number().optional(),
    mergedObjectIds: z.array(z.number()).optional(),
    newObjectId: z.number().optional(),
  })
  .passthrough();
export type HubSpotWebhookEvent = z.infer<typeof hubspotWebhookEventSchema>;

export const hubspotWebhookBatchSchema = z.array(hubspotWebhookEventSchema).min(1).max(1000);

/**
 * Where accepted events go. The receiver answers HubSpot only after `accept` resolves, so an event is either
 * durably taken or HubSpot retries it (at-least-once ingestion).
 */
export interface WebhookInbox {
  accept(events: HubSpotWebhookEvent[], receivedAt: Date): Promise<void>;
}
