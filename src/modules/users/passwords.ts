// Password hashing with argon2id (@node-rs/argon2: prebuilt native binaries, no compiler needed).
import { hash, verify } from '@node-rs/argon2';

// argon2id is the library's default algorithm; these are OWASP's recommended minimum costs
// (19 MiB, 2 passes, 1 lane), written out so a library upgrade cannot silently weaken them.
const COST = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, COST);

/** False for a wrong password and for a malformed stored hash: neither may log anyone in. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as a real check when the email is unknown, so response timing does not
 * tell whether an account exists. Always false. The dummy hash is made on first use, not at import.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy password that matches no account');
  await verifyPassword(await dummy, password);
  return false;
}
