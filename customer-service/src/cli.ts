// Operator commands of customer-service, run where the service's configuration is:
//   node dist/cli.js grant-admin <email>     give an existing customer the admin role
//   node dist/cli.js revoke-admin <email>    take it away (every service refuses it at once)
//   node dist/cli.js rotate-key              add a new JWT signing key (published now, signs after a delay)
import { randomUUID } from "node:crypto";
import { createAccountRepository } from "./accounts/account-repository.js";
import { setAdmin } from "./admin/admin-service.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./database.js";
import { createSessionRepository } from "./sessions/session-repository.js";
import { generateSigningKey } from "./tokens/signing-keys.js";

const USAGE = "usage: cli grant-admin <email> | revoke-admin <email> | rotate-key";
const ROLE_COMMANDS = ["grant-admin", "revoke-admin"];

async function main(args: string[]): Promise<number> {
  const [command, argument] = args;
  if (!command || (!ROLE_COMMANDS.includes(command) && command !== "rotate-key")) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (command === "rotate-key") {
    const name = await generateSigningKey(config.jwt.keysDir);
    console.log(
      `added signing key ${name}: every instance publishes it within JWT_KEYS_RELOAD_SECONDS and signs with it ` +
        `JWT_KEY_ACTIVATION_DELAY_SECONDS after now; render kong.yml again and reload the gateway before then, ` +
        `and keep the old key until its tokens expire`,
    );
    return 0;
  }
  if (!argument) {
    console.error(USAGE);
    return 2;
  }
  const { connection, models } = await openDatabase(config.mongoUrl);
  try {
    const deps = {
      accounts: createAccountRepository(models.Customer),
      sessions: createSessionRepository(models.Session),
      // The running service's outbox relay publishes the event (it polls for writes made elsewhere).
      wakeRelay: () => undefined,
    };
    const grant = command === "grant-admin";
    if (!(await setAdmin(deps, argument, grant, { correlationId: `cli-${randomUUID()}` }))) {
      console.error(`no customer with the address ${argument}${grant ? ", or it is not verified yet" : ""}`);
      return 1;
    }
    console.log(grant ? `${argument} is now an admin (from their next login)` : `${argument} is no longer an admin`);
    return 0;
  } finally {
    await connection.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
