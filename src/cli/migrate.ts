// npm run db:migrate — applies pending migrations (from migrations/) to the configured database.
import { describeTarget, withDatabase } from './common.js';

await withDatabase(async (_database, config) => {
  console.log(`Migrations are up to date on ${describeTarget(config)}.`);
});
