/**
 * A parsed spec document or any part of it. Deliberately `any`: the spec is checked against its JSON Schema before
 * the planners read it, and they narrow each value where they read it (isNumber, typeof, Array.isArray).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;
