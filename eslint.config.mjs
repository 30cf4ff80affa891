// Lint exists for the rules that types cannot express: module boundaries.
//
// Projects by type: the five services under apps/ are Nx projects of type `service` (each has a
// main.ts and is deployed alone, and exposes its Nest module for the embedded runner): a service
// imports libraries only, never another service; libraries import libraries only; the one
// application, `embedded`, composes the services.
//
// Libraries by layer (production code; specs may also use the test helpers and adapters):
//   layer:contract  policy-schema, events         — the shapes on the wire; import nothing of ours
//   layer:domain    budget, chain, …              — pure decisions; contracts only (no Kafka, SQL, Nest)
//   layer:runtime   messaging, eventstore, telemetry, service-kit — adapters; contracts and runtime
//   layer:test      testing                       — fixtures; never imported by production code
// So `libs/chain` may not import `libs/eventstore`.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const byType = [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
  // The web console (apps/console) talks to the public HTTP API only: no backend import.
  { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui'] },
];
const byLayer = [
  { sourceTag: 'layer:contract', onlyDependOnLibsWithTags: ['layer:contract'] },
  { sourceTag: 'layer:domain', onlyDependOnLibsWithTags: ['layer:contract', 'layer:domain'] },
  { sourceTag: 'layer:runtime', onlyDependOnLibsWithTags: ['layer:contract', 'layer:runtime'] },
  { sourceTag: 'layer:test', onlyDependOnLibsWithTags: [] },
];
const boundaries = (depConstraints) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    { enforceBuildableLibDependency: false, allow: [], depConstraints },
  ],
});
const specs = [
  '**/*.spec.ts',
  '**/test/**/*.ts',
  '**/*.fixture.ts',
  '**/*.behaviour.ts',
  '**/testing/**/*.ts',
  '**/bench/**/*.ts',
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx },
    rules: boundaries([...byType, ...byLayer]),
  },
  { files: specs, rules: boundaries(byType) },
];
