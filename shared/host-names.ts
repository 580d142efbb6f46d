/** A host name as DNS compares it: case, surrounding blanks and a final dot aside. */
export function normalHost(host: string | null | undefined): string {
  return (host ?? '').trim().toLowerCase().replace(/\.$/, '');
}

/** Whether two host names name the same host (normalHost). */
export function sameHost(a: string | null | undefined, b: string | null | undefined): boolean {
  return normalHost(a) === normalHost(b);
}
