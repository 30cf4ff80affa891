import type { Provider } from './provider';
import { MockProvider } from './mock.provider';
import { OpenAiCompatibleProvider } from './openai-compatible.provider';
import { AnthropicProvider } from './anthropic.provider';
import type { ModelDeployment } from '@llmgov/policy-schema';
import { DeploymentHealth } from '../routing/deployment-health';

/** A provider declared as data: its wire protocol, default base URL and the env prefix of its key. */
export interface ProviderSpec {
  name: string;
  protocol: 'openai' | 'anthropic';
  defaultBaseUrl: string;
  /** `<ENV>_API_KEY` / `<ENV>_BASE_URL`. */
  env: string;
  /** Local servers (Ollama, vLLM) need no key: available once a base URL is set. */
  keyless?: boolean;
}

export const PROVIDER_SPECS: readonly ProviderSpec[] = [
  {
    name: 'openai',
    protocol: 'openai',
    defaultBaseUrl: 'https://api.openai.com/v1',
    env: 'OPENAI',
  },
  {
    name: 'anthropic',
    protocol: 'anthropic',
    defaultBaseUrl: 'https://api.anthropic.com/v1',
    env: 'ANTHROPIC',
  },
  {
    name: 'google',
    protocol: 'openai',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    env: 'GEMINI',
  },
  {
    name: 'groq',
    protocol: 'openai',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    env: 'GROQ',
  },
  {
    name: 'mistral',
    protocol: 'openai',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    env: 'MISTRAL',
  },
  {
    name: 'deepseek',
    protocol: 'openai',
    defaultBaseUrl: 'https://api.deepseek.com/v1',
    env: 'DEEPSEEK',
  },
  {
    name: 'together',
    protocol: 'openai',
    defaultBaseUrl: 'https://api.together.xyz/v1',
    env: 'TOGETHER',
  },
  {
    name: 'openrouter',
    protocol: 'openai',
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    env: 'OPENROUTER',
  },
  {
    name: 'vllm',
    protocol: 'openai',
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    env: 'VLLM',
    keyless: true,
  },
  {
    name: 'ollama',
    protocol: 'openai',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    env: 'OLLAMA',
    keyless: true,
  },
];

/**
 * The providers this process can call, from its environment. Without a key a provider is
 * unavailable (`get` answers undefined → 503). Any other `<NAME>_BASE_URL` declares an
 * OpenAI-compatible provider named `<name>`. `mock` is always there.
 */
export class ProviderRegistry {
  private readonly providers = new Map<string, Provider>();
  private readonly deployments = new Map<string, Provider>();
  /** This replica's view of every deployment (in flight, cooldowns): docs/routing.md. */
  readonly deploymentHealth = new DeploymentHealth();

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly timeoutMs: number,
  ) {
    this.providers.set('mock', new MockProvider());
    const known = new Set<string>();
    for (const spec of PROVIDER_SPECS) {
      known.add(spec.env);
      const key = env[`${spec.env}_API_KEY`] || null;
      const explicitBase = env[`${spec.env}_BASE_URL`];
      if (!key && !(spec.keyless && explicitBase)) continue;
      const baseUrl = explicitBase || spec.defaultBaseUrl;
      this.providers.set(
        spec.name,
        spec.protocol === 'anthropic'
          ? new AnthropicProvider({ baseUrl, apiKey: key ?? '', timeoutMs })
          : new OpenAiCompatibleProvider({ name: spec.name, baseUrl, apiKey: key, timeoutMs }),
      );
    }
    for (const [name, value] of Object.entries(env)) {
      const m = /^([A-Z][A-Z0-9]*)_BASE_URL$/.exec(name);
      if (!m || known.has(m[1]!) || !value || !/^https?:\/\//.test(value)) continue;
      const provider = m[1]!.toLowerCase();
      if (['database', 'approval_service', 'jwt_jwks'].includes(provider)) continue;
      this.providers.set(
        provider,
        new OpenAiCompatibleProvider({
          name: provider,
          baseUrl: value,
          apiKey: env[`${m[1]}_API_KEY`] || null,
          timeoutMs,
        }),
      );
    }
  }

  get(name: string): Provider | undefined {
    return this.providers.get(name);
  }

  /**
   * The client of one deployment of a policy's `model_deployments`, made once per (provider,
   * base URL, key name). Its key is `DEPLOYMENT_KEY_<key_name>` of this environment — only that
   * prefix, so a policy can never send another variable (a provider key of the platform) to a
   * URL it chose. Undefined when the key is named but not configured here.
   */
  forDeployment(d: ModelDeployment): Provider | undefined {
    const id = `${d.provider}|${d.base_url}|${d.key_name ?? ''}`;
    const known = this.deployments.get(id);
    if (known) return known;
    const key = d.key_name ? this.env[`DEPLOYMENT_KEY_${d.key_name}`] : null;
    if (key === undefined || key === '') return undefined;
    const spec = PROVIDER_SPECS.find((s) => s.name === d.provider);
    const provider =
      spec?.protocol === 'anthropic'
        ? new AnthropicProvider({
            baseUrl: d.base_url,
            apiKey: key ?? '',
            timeoutMs: this.timeoutMs,
          })
        : new OpenAiCompatibleProvider({
            name: d.provider,
            baseUrl: d.base_url,
            apiKey: key,
            timeoutMs: this.timeoutMs,
            connections: 16,
          });
    this.deployments.set(id, provider);
    return provider;
  }

  /** A provider this gateway can name: configured here, or declared (then unavailable without its key: 503). */
  knows(name: string): boolean {
    return this.providers.has(name) || PROVIDER_SPECS.some((s) => s.name === name);
  }

  names(): string[] {
    return [...this.providers.keys()];
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.providers.values(), ...this.deployments.values()].map((p) => p.close?.()),
    );
  }
}

/** The env prefix a provider's key is read from, for the 503 body. */
export const envOf = (provider: string): string =>
  PROVIDER_SPECS.find((s) => s.name === provider)?.env ?? provider.toUpperCase();
