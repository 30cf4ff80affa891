export { PolicyRegistryModule, type PolicyRegistryOptions } from './policy-registry.module';
