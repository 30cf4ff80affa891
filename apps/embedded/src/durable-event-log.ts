import { createReadStream, createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { allTopics, type EventOf, type TopicDescriptor } from '@llmgov/events';
import type { EventBus, PublishOptions, RawRecord, SubscribeOptions, Subscription } from '@llmgov/messaging';

type Line = { t: string; e: unknown } | { t: string; r: RawRecord };

/**
 * Makes the in-process bus survive restarts of the embedded mode: every published event is
 * appended to a JSON-lines file under DATA_DIR, and replayed into the bus at start before
 * any service subscribes. Views (keys, active policies, approvals) are rebuilt from it as
 * they would be from Kafka's retained topics; consumers with durable state dedupe replays
 * by event id (their inbox). Writes are buffered: a hard crash may lose the last few
 * milliseconds of events, which Kafka (the distributed mode) does not.
 */
export class DurableEventLog implements EventBus {
  private out?: WriteStream;
  private readonly byName = new Map<string, TopicDescriptor>(allTopics.map((t) => [t.name, t as unknown as TopicDescriptor]));

  constructor(
    private readonly inner: EventBus,
    private readonly file: string,
  ) {}

  /** Replays the file into the bus, then opens it for appending. Returns how many events were replayed. */
  async open(): Promise<number> {
    let count = 0;
    if (existsSync(this.file)) {
      const lines = createInterface({ input: createReadStream(this.file), crlfDelay: Infinity });
      for await (const text of lines) {
        if (!text.trim()) continue;
        let line: Line;
        try {
          line = JSON.parse(text) as Line;
        } catch {
          continue; // a torn last line after a crash
        }
        if ('r' in line) await this.inner.publishRaw(line.t, [line.r]);
        else {
          const topic = this.byName.get(line.t);
          if (topic) await this.inner.publish(topic, line.e as never);
        }
        count++;
      }
    }
    mkdirSync(dirname(this.file), { recursive: true });
    this.out = createWriteStream(this.file, { flags: 'a' });
    return count;
  }

  async publish<T extends TopicDescriptor>(topic: T, event: EventOf<T>): Promise<void> {
    await this.inner.publish(topic, event);
    if (this.byName.has(topic.name)) this.append({ t: topic.name, e: event }); // not internal topics (heartbeats)
  }

  async publishBatch<T extends TopicDescriptor>(topic: T, events: EventOf<T>[], options?: PublishOptions): Promise<void> {
    await this.inner.publishBatch(topic, events, options);
    if (this.byName.has(topic.name)) for (const e of events) this.append({ t: topic.name, e });
  }

  async publishRaw(topicName: string, records: RawRecord[]): Promise<void> {
    await this.inner.publishRaw(topicName, records);
    for (const r of records) this.append({ t: topicName, r });
  }

  subscribe<T extends TopicDescriptor>(options: SubscribeOptions<T>): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  ensureTopics(topics: readonly TopicDescriptor[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }

  async close(): Promise<void> {
    await this.inner.close();
    const out = this.out;
    this.out = undefined;
    if (out) await new Promise<void>((resolve) => out.end(resolve));
  }

  private append(line: Line): void {
    this.out?.write(`${JSON.stringify(line)}\n`);
  }
}
