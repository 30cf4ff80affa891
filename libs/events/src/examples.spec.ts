import { documentedTopics } from './registry';
import { exampleEvents } from './examples';

describe('example events', () => {
  const examples = Object.values(exampleEvents) as { type: string }[];

  it('cover every event type of every topic', () => {
    expect(examples.map((e) => e.type).sort()).toEqual(
      documentedTopics.flatMap((t) => [...t.types]).sort(),
    );
  });

  it.each(examples.map((e) => [e.type, e] as const))(
    '%s is valid on its topic',
    (type, example) => {
      const topic = documentedTopics.find((t) => t.types.includes(type));
      expect(topic?.schema.safeParse(example).success).toBe(true);
    },
  );
});
