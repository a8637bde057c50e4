import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { imageSenders } from '../../db/schema.ts';

/** Addresses compare case-insensitively: "Ann@Paper.test" and "ann@paper.test" are one sender. */
export function normalizeSenderAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** Remote images in mail from this sender are shown from now on (for every officer). */
export function allowImagesFrom(db: Db, address: string, userId: number, now: Date): void {
  db.insert(imageSenders)
    .values({ address: normalizeSenderAddress(address), allowedByUserId: userId, createdAt: now })
    .onConflictDoNothing()
    .run();
}

/** Remote images from this sender are blocked again. */
export function blockImagesFrom(db: Db, address: string): void {
  db.delete(imageSenders)
    .where(eq(imageSenders.address, normalizeSenderAddress(address)))
    .run();
}

export function imagesAllowedFrom(db: Db, address: string): boolean {
  return (
    db
      .select({ address: imageSenders.address })
      .from(imageSenders)
      .where(eq(imageSenders.address, normalizeSenderAddress(address)))
      .get() !== undefined
  );
}
