import { BEARER_AUTH } from "@coffer/contracts/http";
import Type from "typebox";

export const Uuid = Type.String({ format: "uuid" });

export const Binary = Type.String({ format: "binary" });

/** The document's grouping of a feature's routes, with the token they need. */
export const documented = (tag: string) => ({ tags: [tag], security: BEARER_AUTH });
