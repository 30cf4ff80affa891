import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ROOT, loadCompose } from './manifests';
import { SERVICES, SERVICE_NAMES } from './services';

/**
 * The Compose Specification JSON schema as shipped by the `docker-compose` npm package
 * (schema/compose-spec.json, from compose-spec/compose-go), draft-07.
 */
function composeValidator() {
  const schema = JSON.parse(
    readFileSync(
      join(ROOT, 'node_modules', 'docker-compose', 'schema', 'compose-spec.json'),
      'utf8',
    ),
  ) as Record<string, unknown>;
  delete schema.$schema; // draft-07 under an https id that ajv does not know by that name
  return new Ajv({ allErrors: true, strict: false, unknownFormats: 'ignore' } as never).compile(
    schema,
  );
}

type ComposeService = {
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  environment: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
};

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services as Record<string, ComposeService>;
  const validate = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is rejected by the same schema when a service has an unknown field (the validator is live)', () => {
    const broken = {
      ...compose,
      services: { ...services, gateway: { ...services.gateway, enviroment: {} } },
    };
    expect(validate(broken)).toBe(false);
  });

  it('runs Kafka 3.9 in KRaft mode and Postgres 15, both with health checks', () => {
    const kafka = compose.services as Record<
      string,
      { image: string; environment: Record<string, unknown>; healthcheck?: unknown }
    >;
    expect(kafka.kafka.image).toBe('apache/kafka:3.9.1');
    expect(kafka.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.kafka.environment.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(kafka.postgres.image).toMatch(/^postgres:15/);
    expect(kafka.kafka.healthcheck).toBeDefined();
    expect(kafka.postgres.healthcheck).toBeDefined();
  });

  describe.each(SERVICE_NAMES)('%s', (name) => {
    it('is built from the one Dockerfile with SERVICE set, after Kafka and Postgres are healthy', () => {
      const service = services[name];
      expect(service.build).toEqual({
        context: '.',
        dockerfile: 'infra/docker/Dockerfile',
        args: { SERVICE: name },
      });
      expect(service.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
    });

    it("runs the image's command (node dist/apps/<service>/main.js, see dockerfile.spec.ts), not an override", () => {
      expect(services[name]).not.toHaveProperty('command');
      expect(services[name]).not.toHaveProperty('entrypoint');
    });

    it('gets the environment it needs, on its own port', () => {
      const env = services[name].environment;
      for (const variable of SERVICES[name].env)
        expect([variable, variable in env]).toEqual([variable, true]);
      expect(env.PORT).toBe(SERVICES[name].port);
      expect(env.KAFKA_BROKERS).toBe('kafka:9092');
      expect(String(env.DATABASE_URL)).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(services[name].ports).toEqual([`${SERVICES[name].port}:${SERVICES[name].port}`]);
    });
  });

  it('points the gateway at the approval service and requires a bootstrap admin key for the registry', () => {
    expect(services.gateway.environment.APPROVAL_SERVICE_URL).toBe(
      `http://approval-workflow:${SERVICES['approval-workflow'].port}`,
    );
    expect(services['policy-registry'].environment.BOOTSTRAP_ADMIN_KEY).toMatch(
      /^\$\{BOOTSTRAP_ADMIN_KEY:\?/,
    );
  });
});
