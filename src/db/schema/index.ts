export * from './taxonomy.js';
export * from './articles.js';
export * from './site.js';
