import { z } from 'zod';
import { documentedTopics } from '../registry';
import type { TopicDescriptor } from '../topic';

/**
 * Builds the AsyncAPI 3.0 document of every topic from the same zod schemas producers and
 * consumers use, so the document cannot drift from the code.
 */
export function buildAsyncApi(version: string): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of documentedTopics as readonly TopicDescriptor[]) {
    const id = channelId(topic.name);
    const messageRefs: Record<string, unknown> = {};
    for (const [type, schema] of messagesOf(topic)) {
      const name = type.replace(/\./g, '_');
      messages[name] = {
        name: type,
        title: type,
        contentType: 'application/json',
        headers: cloudEventHeaders(type),
        payload: z.toJSONSchema(schema.shape.data, { io: 'input', unrepresentable: 'any' }),
        bindings: {
          kafka: { key: { type: 'string', description: `the aggregate id (${topic.key})` } },
        },
      };
      messageRefs[name] = { $ref: `#/components/messages/${name}` };
    }
    channels[id] = { address: topic.name, description: topic.description, messages: messageRefs };
    operations[`receive_${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` } };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'LLM governance gateway events',
      version,
      description:
        'Every event is a CloudEvents 1.0 message in Kafka binary mode: attributes as ce_* headers, the data as the JSON value, keyed by the aggregate id, with a W3C traceparent header. Each topic has a dead-letter topic `<name>.dlq`.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}

type EnvelopeSchema = z.ZodObject<{ type: z.ZodLiteral<string>; data: z.ZodTypeAny }>;

function messagesOf(topic: TopicDescriptor): [string, EnvelopeSchema][] {
  const schema = topic.schema as unknown as { options?: EnvelopeSchema[] } & EnvelopeSchema;
  const options = schema.options ?? [schema];
  return options.map((o) => [o.shape.type.value, o]);
}

function cloudEventHeaders(type: string) {
  const str = { type: 'string' };
  return {
    type: 'object',
    required: ['ce_specversion', 'ce_id', 'ce_type', 'ce_source', 'ce_time', 'ce_subject'],
    properties: {
      ce_specversion: { const: '1.0' },
      ce_id: str,
      ce_type: { const: type },
      ce_source: str,
      ce_time: { type: 'string', format: 'date-time' },
      ce_subject: str,
      'content-type': { const: 'application/json' },
      traceparent: str,
      tracestate: str,
    },
  };
}

const channelId = (name: string) => name.replace(/[^a-zA-Z0-9]+/g, '_');
