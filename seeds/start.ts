/**
 * `npm start`: the server, with the demo county loaded into an empty database first (JIFEN_DEMO unset
 * or 1). With JIFEN_DEMO=0 it is exactly `tsx server/main.ts`: an empty database gets one county and
 * the account admin (JIFEN_ADMIN_PASSWORD). A database that holds data is never touched.
 */
import { runEntry, startServer } from '../server/main';
import { seedDemoCounty } from './demo';

const demo = (process.env.JIFEN_DEMO ?? '1') !== '0';

runEntry(() =>
  startServer({
    onEmptyDatabase: demo
      ? async (db, config) => {
          console.log('[jifen] empty database: loading the demo county ...');
          await seedDemoCounty(db, { scryptN: config.scryptN, config });
        }
      : undefined,
  }),
);
