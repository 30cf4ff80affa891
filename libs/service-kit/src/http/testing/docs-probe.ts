// Started by lazy-docs.int.spec.ts as a service starts (`node -r tools/register.cjs`): a
// service app with the shared health routes; prints what the docs routes answer, and whether
// @nestjs/swagger was loaded before and after the first of them.
import { Module } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { HealthModule } from '../health';
import { createServiceApp } from '../bootstrap';

const swaggerLoaded = () =>
  Object.keys(require.cache).some((path) => path.includes('@nestjs/swagger'));

@Module({ imports: [HealthModule] })
class ProbeModule {}

async function main(): Promise<void> {
  const app = await createServiceApp(ProbeModule, { name: 'docs-probe', logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const atStart = swaggerLoaded();
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  const json = await get('/docs-json');
  const report = {
    loadedAtStart: atStart,
    loadedAfterDocs: swaggerLoaded(),
    json: { status: json.status, type: json.type, paths: Object.keys(JSON.parse(json.body).paths) },
    yaml: await get('/docs-yaml').then((r) => ({
      status: r.status,
      openapi: /^openapi:/m.test(r.body),
    })),
    ui: await get('/docs').then((r) => ({
      status: r.status,
      type: r.type,
      swaggerUi: r.body.includes('swagger-ui'),
    })),
    css: await get('/docs/swagger-ui.css').then((r) => ({ status: r.status, type: r.type })),
  };
  await app.close();
  process.stdout.write(JSON.stringify(report));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
