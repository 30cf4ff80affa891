/** Injection token of the webhook HMAC secrets by name. */
export const WEBHOOK_SECRETS = Symbol('WEBHOOK_SECRETS');

const PREFIX = 'WEBHOOK_SECRET_';

/**
 * The webhook HMAC secrets of an environment: `WEBHOOK_SECRET_<NAME>=…` is the secret a
 * destination names as `secret_name: "<NAME>"`. Only this prefix is read, so a policy
 * document can never make the service sign with another variable (a database URL, a
 * provider key).
 */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(env))
    if (k.startsWith(PREFIX) && k.length > PREFIX.length && v) out.set(k.slice(PREFIX.length), v);
  return out;
}
