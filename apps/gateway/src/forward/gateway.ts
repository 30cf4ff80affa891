import type { Clock } from '@llmgov/service-kit';
import type { Logger } from '@llmgov/telemetry';
import type { EventPublisher } from '../events/event-publisher';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { GatewayViews } from '../views/gateway-views';
import { ChatCompletions } from './chat-completions';
import { explain } from './explain';
import { Forwarder } from './forward';
import { HeldRequests } from './held-requests';
import type { HttpIn, HttpOut } from './http';
import { models } from './models';
import { bodyLimitFor } from './request-context';
import { Settler } from './settle';
import { callPool, type PoolCall } from './upstream';

export interface GatewayDeps {
  views: GatewayViews;
  providers: ProviderRegistry;
  publisher: EventPublisher;
  clock: Clock;
  replicaId: string;
  /** Where `POST /approvals/:id/consume` lives (embedded: this process). */
  approvalServiceUrl: string | null;
  /** Seals answers the confidence gate holds (forward/confidence.ts). */
  heldAnswerKey: Buffer;
  logger: Logger;
}

/**
 * The data plane's endpoints over one set of dependencies: chat completions (the chain, then
 * refuse, hold or forward: `chat-completions.ts`), explain and models. Every governed request
 * ends in one settlement (`settle.ts`); events are queued, never awaited.
 */
export class Gateway {
  private readonly completions: ChatCompletions;

  constructor(private readonly deps: GatewayDeps) {
    const settler = new Settler(deps);
    const held = new HeldRequests(deps, settler);
    const forwarder = new Forwarder(deps, settler, held);
    this.completions = new ChatCompletions(deps, settler, held, forwarder);
  }

  /**
   * `POST /v1/chat/completions`; `call` reaches the upstream (embeddings and responses pass
   * their own).
   */
  chat(input: HttpIn, call: PoolCall = callPool): Promise<HttpOut> {
    return this.completions.chat(input, call);
  }

  /** `POST /v1/governance/explain`. */
  explain(input: HttpIn): Promise<HttpOut> {
    return explain(this.deps, input);
  }

  /** `GET /v1/models`. */
  models(input: HttpIn): HttpOut {
    return models(this.deps, input);
  }

  /** The caller's plan body limit, or null when the key is unknown (`request-context.ts`). */
  bodyLimitFor(headers: HttpIn['headers']): number | null {
    return bodyLimitFor(this.deps, headers);
  }
}
