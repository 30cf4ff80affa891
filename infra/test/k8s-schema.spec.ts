import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, loadKustomizeBase } from './manifests';

/**
 * Validation against the Kubernetes OpenAPI schemas, as shipped by the `kubernetes-models`
 * npm package (generated JSON schemas + ajv validators; Kubernetes 1.27 API). Like kubeval
 * without --strict, it does not flag unknown fields: k8s-manifests.spec.ts checks the fields
 * we rely on by name. The package is ESM-only (Jest needs --experimental-vm-modules).
 */
type Model = new (data: object) => { validate(): void };

/**
 * The package exports its entry points under the `import` condition only, which Jest's
 * CommonJS resolver does not match: load the files by path (require(esm) under vm modules).
 */
function kubernetesModels(group: string): Record<string, Model> {
  const roots = [
    join(ROOT, 'node_modules'),
    ...(process.env.NODE_PATH?.split(':').filter(Boolean) ?? []),
  ];
  const root = roots.map((r) => join(r, 'kubernetes-models')).find((dir) => existsSync(dir));
  if (!root) throw new Error('kubernetes-models is not installed (npm i -D kubernetes-models)');
  return require(join(root, group, 'index.js')) as Record<string, Model>;
}

function models(): Record<string, Model> {
  const [apps, core, policy, autoscaling, networking] = [
    'apps/v1',
    'v1',
    'policy/v1',
    'autoscaling/v2',
    'networking.k8s.io/v1',
  ].map(kubernetesModels);
  return {
    'apps/v1/Deployment': apps.Deployment,
    'v1/Service': core.Service,
    'v1/ConfigMap': core.ConfigMap,
    'v1/Secret': core.Secret,
    'policy/v1/PodDisruptionBudget': policy.PodDisruptionBudget,
    'autoscaling/v2/HorizontalPodAutoscaler': autoscaling.HorizontalPodAutoscaler,
    'networking.k8s.io/v1/Ingress': networking.Ingress,
  } as unknown as Record<string, Model>;
}

describe('Kubernetes manifests against the Kubernetes JSON schemas', () => {
  const { objects } = loadKustomizeBase();
  let byKind: Record<string, Model>;
  beforeAll(() => {
    byKind = models();
  });

  it.each(objects.map((o) => [`${o.file}: ${o.kind} ${o.metadata.name}`, o] as const))(
    '%s is valid',
    (_title, object) => {
      const model = byKind[`${object.apiVersion}/${object.kind}`];
      expect(model).toBeDefined();
      const { file: _file, ...manifest } = object;
      expect(() => new model(manifest).validate()).not.toThrow();
    },
  );

  it('rejects a manifest with a wrong type (the validator is live)', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two', selector: {}, template: {} },
    };
    expect(() => new byKind['apps/v1/Deployment'](broken).validate()).toThrow(/replicas/);
  });
});
