import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const probe = join(__dirname, 'testing', 'docs-probe.ts');

/** Runs the probe as a service runs main.ts: `node -r tools/register.cjs`. */
function runProbe(): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-r', join(root, 'tools', 'register.cjs'), probe],
      { cwd: root, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

describe('/docs of a service', () => {
  it('loads @nestjs/swagger on the first docs request, not at start-up, and serves the UI, JSON and YAML', async () => {
    const report = await runProbe();
    expect(report).toMatchObject({
      loadedAtStart: false,
      loadedAfterDocs: true,
      json: { status: 200, type: expect.stringContaining('application/json') },
      yaml: { status: 200, openapi: true },
      ui: { status: 200, type: expect.stringContaining('text/html'), swaggerUi: true },
      css: { status: 200, type: expect.stringContaining('text/css') },
    });
    expect((report.json as { paths: string[] }).paths).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready']),
    );
  }, 90_000);
});
