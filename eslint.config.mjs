// Lint exists for one rule that types cannot express: module boundaries. The five services
// under apps/ are Nx projects of type `service` (each has a main.ts and is deployed alone, and
// exposes its Nest module for the embedded runner): a service imports libraries only, never
// another service; libraries import libraries only; the one application, `embedded`,
// composes the services.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.data/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:service'] },
            // The web console (apps/console) talks to the public HTTP API only: no backend import.
            { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui'] },
          ],
        },
      ],
    },
  },
];
