// Runs the TypeScript sources directly (SWC, with decorator metadata for Nest's DI)
// and resolves the @llmgov/* path aliases of tsconfig.base.json.
process.env.SWC_NODE_PROJECT =
  process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
