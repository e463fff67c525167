/** Bumped on any incompatible change to a message schema or the update codec. */
export const PROTOCOL_VERSION = 3;
