export * from './settings.schema';
export * from './rules.schema';
export * from './deployer.schema';
export * from './exceptions.schema';
export * from './document.schema';
export * from './catalogue';
export * from './plans';
export * from './canonical';
