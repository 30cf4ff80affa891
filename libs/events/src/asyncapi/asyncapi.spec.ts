import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAsyncApi } from './asyncapi';
import { documentedTopics } from '../registry';

describe('AsyncAPI document', () => {
  const doc = buildAsyncApi('1.0.0') as {
    channels: Record<string, { address: string; messages: Record<string, unknown> }>;
    components: { messages: Record<string, { name: string }> };
  };

  it('has a channel for every topic, addressed by its Kafka name', () => {
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(documentedTopics.map((t) => t.name).sort());
  });

  it('documents every event type of every topic', () => {
    const documented = Object.values(doc.components.messages)
      .map((m) => m.name)
      .sort();
    expect(documented).toEqual(documentedTopics.flatMap((t) => [...t.types]).sort());
  });

  it('is what docs/asyncapi.yaml holds (run `npm run asyncapi` after changing an event)', () => {
    const committed = parse(
      readFileSync(join(__dirname, '../../../../docs/asyncapi.yaml'), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
