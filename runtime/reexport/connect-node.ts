/**
 * `contractgen/connect-node`: @connectrpc/connect-node (`connectNodeAdapter`, `createConnectTransport`…),
 * as the generated `_contract.ts` helpers import it; application code may import it from here too.
 */
export * from "@connectrpc/connect-node";
