/**
 * The citizen's private link to the electronic result (design.md §10, contract §2): the dossier code
 * and its access key. Printed on form 01 and sent in the result mail; it downloads the signed PDF once
 * the dossier is `result_ready` or `returned`.
 */
export function citizenResultUrl(publicUrl: string, code: string, key: string): string {
  return `${publicUrl}/tra-cuu/ket-qua?ma=${encodeURIComponent(code)}&khoa=${encodeURIComponent(key)}`;
}

/** The public verification page of a numbered result, by the SHA-256 its QR carries. */
export function verificationUrl(publicUrl: string, sha256: string): string {
  return `${publicUrl}/xac-thuc/${sha256}`;
}
