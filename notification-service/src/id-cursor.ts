import Type from "typebox";
import { Errors } from "./errors.js";

const ID = /^[1-9][0-9]{0,17}$/;

/** A list's cursor: the last id of the previous page, checked by `parseIdCursor` (400 INVALID_CURSOR). */
export const IdCursor = Type.Optional(Type.String({ description: "The previous page's nextCursor" }));

/** The cursor a client sent, or a refusal: it must be an id this service could have handed out. */
export function parseIdCursor(cursor: string | undefined): string | undefined {
  if (cursor !== undefined && !ID.test(cursor)) throw Errors.invalidCursor();
  return cursor;
}
