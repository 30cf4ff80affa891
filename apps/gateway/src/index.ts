export {
  GatewayModule,
  GatewayService,
  type GatewayOptions,
  type GatewayRuntime,
} from './gateway.module';
export { loadConfig as loadGatewayConfig, type GatewayConfig } from './config';
export { mockEmbedding, MOCK_EMBEDDING_DIMENSIONS } from './providers/embeddings';
