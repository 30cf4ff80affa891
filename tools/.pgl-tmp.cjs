const { PGlite } = require('@electric-sql/pglite');
(async () => {
  const sb = process.argv[2]; const im = +process.argv[3] || undefined;
  const t = performance.now();
  const db = await PGlite.create(process.argv[4], { initialMemory: im, ...(sb !== 'default' ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sb}`] } : {}) });
  const t1 = performance.now();
  const r = await db.query("select current_setting('shared_buffers') sb");
  // touch data: read every table
  const tabs = await db.query("select schemaname||'.'||quote_ident(tablename) t from pg_tables where schemaname not in ('pg_catalog','information_schema')");
  for (const { t } of tabs.rows) await db.query(`select count(*) from ${t}`);
  global.gc(); const u = process.memoryUsage();
  console.log(sb, im, r.rows[0].sb, 'tables', tabs.rows.length, 'create ms', (t1 - t).toFixed(0), 'rss', (u.rss / 1e6).toFixed(0), 'ext', (u.external / 1e6).toFixed(0), 'ab', (u.arrayBuffers/1e6).toFixed(0));
  await db.close();
})();
