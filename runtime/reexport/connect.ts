/**
 * `contractgen/connect`: @connectrpc/connect, as the generated `_contract.ts` helpers import it, so an app
 * that depends on contractgen alone runs them (npm and pnpm alike). Application code may import it from
 * here too, to share the exact copy the generated code and the runtime use.
 */
export * from "@connectrpc/connect";
