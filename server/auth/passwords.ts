import bcrypt from 'bcryptjs';

let cost = 11;

/** Set the bcrypt cost (from config; tests use a low one). */
export function setHashCost(c: number): void {
  cost = c;
}

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, cost);
}

// A real hash of a random string: comparing against it for unknown users costs the same time
// as for known ones, so response time does not reveal which usernames exist.
const DUMMY = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.KhGdVcdRMJGO9H3Ph2ZL5zUHAYt2';

export async function verifyPassword(plain: string, hash: string | null): Promise<boolean> {
  const ok = await bcrypt.compare(plain, hash ?? DUMMY);
  return hash !== null && ok;
}
