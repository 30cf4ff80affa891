import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '..', '..');
export const K8S_BASE = join(ROOT, 'infra', 'k8s', 'base');

/** A Kubernetes object as parsed from YAML (validated field by field by the specs). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The objects of the kustomize base, in the order of its `resources` list. */
export function loadKustomizeBase(): {
  kustomization: { resources: string[] };
  objects: (K8sObject & { file: string })[];
} {
  const kustomization = parse(readFileSync(join(K8S_BASE, 'kustomization.yaml'), 'utf8')) as {
    resources: string[];
  };
  const objects = kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S_BASE, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return { ...(doc.toJS() as K8sObject), file };
    }),
  );
  return { kustomization, objects };
}

/** docker-compose.yml with YAML merge keys (`<<: *anchor`) resolved, as Compose does. */
export function loadCompose(): Record<string, unknown> {
  return parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<
    string,
    unknown
  >;
}
