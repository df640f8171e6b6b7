// npm run seed:demo — migrates, then adds the demo content unless the database already has articles (whatever SEED_DEMO says).
import { seedDemo } from '../seed/demo.js';
import { describeTarget, withDatabase } from './common.js';

await withDatabase(async (database, config) => {
  const seeded = await seedDemo(database.db, (msg) => console.log(msg));
  console.log(seeded ? `Demo content added to ${describeTarget(config)}.` : `Nothing seeded in ${describeTarget(config)}.`);
});
