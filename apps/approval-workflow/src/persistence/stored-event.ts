import type { EnvelopeBase } from '@llmgov/events';
import type { NewEvent } from '@llmgov/eventstore';

/** An envelope as the event store keeps it: its id, type and data; source, subject and time as metadata. */
export const storedEvent = (event: EnvelopeBase): NewEvent => ({
  event_id: event.id,
  type: event.type,
  data: event.data,
  metadata: { source: event.source, subject: event.subject, time: event.time },
});
