/** The citizen's result link and the verification link (the rules live in workflows/result). */
export { citizenResultUrl, verificationUrl } from '../../workflows/result';
