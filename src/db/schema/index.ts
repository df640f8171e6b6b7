export * from './taxonomy.js';
export * from './articles.js';
export * from './site.js';
export * from './people.js';
export * from './history.js';
export * from './changes.js';
export * from './webhooks.js';
