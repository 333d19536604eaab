// Operator commands of customer-service, run where the service's configuration is:
//   node dist/cli.js grant-admin <email>     give an existing customer the admin role
//   node dist/cli.js rotate-key              add a new JWT signing key (restart to sign with it)
import mongoose from "mongoose";
import { grantAdmin } from "./admin/admin-service.js";
import { ConfigError, loadConfig } from "./config.js";
import { createModels } from "./customers/customer-model.js";
import { generateSigningKey } from "./tokens/signing-keys.js";

const USAGE = "usage: cli grant-admin <email> | rotate-key";

async function main(args: string[]): Promise<number> {
  const [command, argument] = args;
  if (command !== "grant-admin" && command !== "rotate-key") {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  if (command === "rotate-key") {
    const name = await generateSigningKey(config.jwt.keysDir);
    console.log(
      `added signing key ${name}; restart the service to sign with it, and keep the old key until its tokens expire`,
    );
    return 0;
  }
  if (!argument) {
    console.error(USAGE);
    return 2;
  }
  const connection = await mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    if (!(await grantAdmin(createModels(connection), argument))) {
      console.error(`no customer with the address ${argument}, or it is not verified yet`);
      return 1;
    }
    console.log(`${argument} is now an admin (from their next login)`);
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
