import { setSourceMapsSupport } from 'node:module';

/**
 * Keeps `--enable-source-maps` (the Dockerfile, the Kubernetes manifests and `npm start` pass
 * it) to the project's own compiled files: the flag alone also reads and keeps the source maps
 * of every dependency that ships them (TypeORM, Nest, OpenTelemetry…), measured at 11 MB of
 * heap and 25 MB of RSS in the idle gateway (docs/benchmarks.md, issue 14). A dependency's
 * stack frames then show its JavaScript, as they would without the flag. Modules loaded before
 * this call (the entry file and this library) keep the flag's behaviour.
 */
export function ownSourceMapsOnly(): void {
  // Node < 22.14 has no setSourceMapsSupport: the flag then applies as given.
  if (process.sourceMapsEnabled && typeof setSourceMapsSupport === 'function')
    setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
}
