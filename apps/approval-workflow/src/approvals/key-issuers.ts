import type { Actor, EventOf, tenancyTopic } from '@llmgov/events';

/**
 * Who issued each gateway key, folded from the tenancy topic (`key.created`'s actor). The
 * self-approval check uses it: a reviewer may not approve a request made with a key they
 * issued. Kept here rather than in the shared TenancyDirectory, which does not record actors.
 */
export class KeyIssuers {
  private readonly issuers = new Map<string, Actor>();

  apply(event: EventOf<typeof tenancyTopic>): void {
    if (event.type === 'key.created' && event.data.kind === 'gateway')
      this.issuers.set(event.data.key_id, event.data.actor);
  }

  of(keyId: string): Actor[] {
    const issuer = this.issuers.get(keyId);
    return issuer ? [issuer] : [];
  }
}
