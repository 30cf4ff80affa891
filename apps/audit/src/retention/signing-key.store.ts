import type { DataSource } from 'typeorm';
import { generateSigningKey, loadSigningKey, type SigningKey } from './checkpoint';

/**
 * The Ed25519 key that signs checkpoints: AUDIT_SIGNING_KEY when configured (only its
 * public half is stored, so verifiers trust it), else one generated at first start and
 * kept in the audit schema (every replica then signs with the same key).
 */
export async function loadOrCreateSigningKey(
  dataSource: DataSource,
  schema: string,
  configured?: string,
): Promise<SigningKey> {
  const table = `"${schema}".audit_signing_keys`;
  if (configured) {
    const key = loadSigningKey(configured);
    await dataSource.query(
      `insert into ${table} (public_key, private_key, created_at) values ($1, null, now()) on conflict do nothing`,
      [key.publicKey],
    );
    return key;
  }
  const stored = async () =>
    (
      (await dataSource.query(
        `select private_key from ${table} where private_key is not null order by created_at limit 1`,
      )) as { private_key: string }[]
    )[0];
  let row = await stored();
  if (!row) {
    const { privateKeyDer, key } = generateSigningKey();
    // Two replicas at first start: both insert, the oldest row wins for both.
    await dataSource.query(
      `insert into ${table} (public_key, private_key, created_at) values ($1, $2, clock_timestamp())`,
      [key.publicKey, privateKeyDer],
    );
    row = await stored();
  }
  return loadSigningKey(row.private_key);
}
